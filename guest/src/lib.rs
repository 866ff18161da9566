//! The preflight policy SDK.
//!
//! A policy is a Rust crate built for `wasm32-wasip2` that depends on this crate. It
//! receives a CloudFormation / SAM template as canonical JSON and returns findings that
//! point into it with JSON pointers; preflight turns the pointers into file, line and
//! column. The policy runs in a sandbox: no files, no environment, no network.
//!
//! Most policies are a set of rules, each in its own module:
//!
//! ```
//! use preflight_policy::prelude::*;
//!
//! declare_rule! {
//!     /// ## What it does
//!     /// Checks that every S3 bucket turns on versioning.
//!     ///
//!     /// ## Why is this bad?
//!     /// Without versioning, an overwrite or delete loses data for good.
//!     ///
//!     /// ## Example
//!     /// ```yaml
//!     /// Bucket:
//!     ///   Type: AWS::S3::Bucket
//!     /// ```
//!     ///
//!     /// ## Fix
//!     /// Set `VersioningConfiguration.Status` to `Enabled`.
//!     pub struct BucketVersioning {
//!         id: "ACME001",
//!         name: "bucket-versioning",
//!         title: "S3 buckets turn on versioning",
//!         severity: Medium,
//!         resource_types: ["AWS::S3::Bucket"],
//!     }
//! }
//!
//! impl Rule for BucketVersioning {
//!     fn check(&self, cx: &Context, out: &mut Findings) {
//!         for bucket in cx.template.resources_of_type("AWS::S3::Bucket") {
//!             let status = bucket.property_path("VersioningConfiguration/Status");
//!             if status.as_ref().and_then(Node::as_str) != Some("Enabled") {
//!                 let at = status.unwrap_or_else(|| bucket.node.clone());
//!                 out.add(&at, format!("bucket `{}` does not turn on versioning", bucket.id));
//!             }
//!         }
//!     }
//! }
//!
//! declare_policy! {
//!     /// Acme's house rules.
//!     pub struct Acme {
//!         id: "acme",
//!         version: "1.0.0",
//!         description: "Acme's house rules",
//!         rules: [BucketVersioning],
//!     }
//! }
//!
//! // In the crate root of a real policy: preflight_policy::export_policy!(Acme);
//! # let report = <Acme as Policy>::evaluate(&Input::from_json(
//! #     r#"{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}"#, None, "t.json", "{}").unwrap()).unwrap();
//! # assert_eq!(report.findings[0].pointer, "/Resources/B");
//! ```
//!
//! [`testing`] (feature `testing`) runs a policy natively on YAML or JSON fixtures, so
//! rules are unit-tested without building WebAssembly.

#[doc(hidden)]
pub mod bindings;
pub mod contract;
pub mod diff;
mod export;
mod intrinsic;
mod json;
mod model;
mod node;
pub mod permissions;
pub mod pointer;
pub mod resolve;
mod rule;
mod template;
#[cfg(feature = "testing")]
pub mod testing;

pub use intrinsic::{Intrinsic, Reference, ReferenceKind, references};
pub use model::{
    Equivalent, Finding, Input, LogLevel, PolicyMeta, Report, RuleInfo, RuleStatus, Severity,
    Status,
};
pub use node::Node;
pub use rule::{
    Cache, Context, Findings, RegisteredRule, Rule, RuleDef, RuleMeta, RuleSet, help_text,
};
pub use template::{PSEUDO_PARAMETERS, Resource, Template, TypeIndex};

#[doc(hidden)]
pub use export::{__evaluate, __metadata};

/// What a policy implements: its metadata and one evaluation.
///
/// Most policies get this from [`declare_policy!`] over a list of rules.
pub trait Policy {
    /// Describes the policy and its rules.
    fn metadata() -> PolicyMeta;
    /// Evaluates one template.
    fn evaluate(input: &Input) -> Result<Report, String>;
}

/// Writes a message to the host's log. Natively (in tests), warnings and errors go to
/// standard error and the rest is dropped.
pub fn log(level: LogLevel, message: &str) {
    #[cfg(target_arch = "wasm32")]
    bindings::preflight::policy::host::log(level.into(), message);
    #[cfg(not(target_arch = "wasm32"))]
    if level >= LogLevel::Warn {
        eprintln!("[{level:?}] {message}");
    }
}

/// Everything a rule module usually needs.
pub mod prelude {
    pub use crate::{
        Context, Findings, Input, Intrinsic, Node, Policy, Report, Resource, Rule, RuleDef,
        Severity, Template, declare_policy, declare_rule,
    };
}
