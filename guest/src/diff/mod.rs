//! The security diff: what changes between two templates in permissions, network
//! exposure, public access, data protection and stateful resources, and whether each
//! change broadens what is allowed.
//!
//! [`diff`] reads both templates into a [`Model`] and compares
//! them. Every change is `added`, `removed` or `modified`, and `broadening` or not.
//! Broadening covers everything `cdk diff` counts as "permissions broadened" (an added
//! `Allow` statement, a removed `Deny`, an attached managed policy, an added security
//! group rule, IAM Identity Center permission set / assignment / access control
//! attribute additions) and more:
//!
//! - a statement whose actions, resources or principals widen, a wildcard appearing, a
//!   trust policy gaining principals, a resource policy gaining a `*` principal or
//!   losing a condition: a new or changed grant is broadening unless one statement of
//!   the old template with the same scope (the same identity, role or resource) already
//!   allowed all of it (wildcards, `Not*` fields, conditions and `Fn::If` branches
//!   considered); a removed or changed `Deny` is broadening unless a `Deny` of the new
//!   template still covers it. SAM policies and policy templates, and both branches of
//!   every `Fn::If`, are part of this;
//! - a user added to a group; a permissions boundary removed (from an identity that
//!   still exists) or changed;
//! - a public access block removed or relaxed, a bucket ACL made public, a Function URL
//!   switched to `AuthType: NONE`, an API authorizer or method authorization removed,
//!   `PubliclyAccessible` turned on, encryption removed or weakened (see
//!   [`Switch`](crate::permissions::Switch)); a new resource that is publicly exposed;
//! - deletion or replacement of a stateful resource (DynamoDB table, S3 bucket, RDS
//!   instance or cluster, KMS key, log group, Cognito user pool, EFS file system, ...)
//!   without `DeletionPolicy` (deletion) or `UpdateReplacePolicy` (replacement) set to
//!   `Retain` or `Snapshot`.
//!
//! Where `cdk diff` would count a change that is provably not broadening (a statement
//! narrowed in place, a security group rule whose port range shrank), the change is
//! reported as not broadening and [`ChangeSet::cdk_broadening`] keeps `cdk diff`'s
//! verdict for callers that want exactly that.
//!
//! The [`ChangeSet`] serialises to
//! `{"broadening": bool, "cdk_broadening": bool, "digest": "<sha256 hex>", "changes": [...]}`.
//! The digest is over the normalised changes (contents, never pointers or lines), so it
//! is the same for the same change whatever the key order, formatting or YAML/JSON
//! spelling of the templates, and differs for any other change: an approval can be tied
//! to it. [`ChangeSet::tables`] gives rows for a `cdk diff`-like rendering.
//!
//! ```
//! use preflight_policy::diff::{diff, Category, ChangeKind};
//! use serde_json::json;
//!
//! let old = json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
//!     "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
//!         {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}}}});
//! let new = json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
//!     "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
//!         {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]}}}});
//! let changes = diff(&old, &new);
//! assert!(changes.broadening);
//! assert_eq!(changes.changes[0].category, Category::IamStatement);
//! assert_eq!(changes.changes[0].change, ChangeKind::Modified);
//! assert_eq!(diff(&new, &old).broadening, false); // narrowing back is not
//! ```

mod others;
mod rows;
mod stateful;
mod statements;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::permissions::{Model, NetworkRule, canonical_json};

pub use rows::{ManagedPolicyRow, OtherRow, SecurityGroupRow, Sign, StatementRow, Tables};
pub use stateful::{Replacement, STATEFUL_TYPES, replacement};
pub use statements::{EffectiveStatement, covers};

/// What kind of thing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// An IAM statement (identity, trust or resource policy, Lambda permission).
    IamStatement,
    /// A managed policy attachment.
    ManagedPolicy,
    /// A permissions boundary.
    PermissionsBoundary,
    /// A user's group membership.
    GroupMembership,
    /// A security group rule.
    SecurityGroupRule,
    /// An `AWS::SSO::PermissionSet`.
    SsoPermissionSet,
    /// An `AWS::SSO::Assignment`.
    SsoAssignment,
    /// An `AWS::SSO::InstanceAccessControlAttributeConfiguration`.
    SsoInstanceAccessControlAttributes,
    /// A public-exposure or data-protection switch.
    Exposure,
    /// A stateful resource deleted or replaced.
    StatefulResource,
    /// A resource that holds no data replaced (a create-only property changed).
    Replacement,
}

/// How it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only in the new template.
    Added,
    /// Only in the old template.
    Removed,
    /// In both, different.
    Modified,
}

/// One change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// What kind of thing changed.
    pub category: Category,
    /// Added, removed or modified.
    pub change: ChangeKind,
    /// Logical id of the resource the change is in (the role, the bucket policy, the
    /// SAM function, the security group, ...).
    pub resource: String,
    /// Whether the change broadens what is allowed or exposed (see the module docs).
    pub broadening: bool,
    /// Why it is (or is not) broadening, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The old thing, normalised (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new thing, normalised (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// JSON pointer of the old thing in the old template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_pointer: Option<String>,
    /// JSON pointer of the new thing in the new template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pointer: Option<String>,
    /// What `cdk diff` would say about this change.
    #[serde(skip)]
    pub(crate) cdk: bool,
    /// Typed data for the table rows.
    #[serde(skip)]
    pub(crate) detail: Detail,
}

/// Typed data behind a change, for [`ChangeSet::tables`].
#[derive(Debug, Clone, Default)]
pub(crate) enum Detail {
    Statement {
        old: Option<Box<EffectiveStatement>>,
        new: Option<Box<EffectiveStatement>>,
    },
    Managed {
        identity: String,
        arn: String,
    },
    Network(Box<NetworkRule>),
    #[default]
    Other,
}

impl Change {
    /// The part of the change the digest covers: no pointers, no wording.
    fn digest_record(&self) -> Value {
        serde_json::json!({
            "category": self.category,
            "change": self.change,
            "resource": self.resource,
            "broadening": self.broadening,
            "old": self.old,
            "new": self.new,
        })
    }
}

/// Everything that changed, security-wise, between two templates.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeSet {
    /// Whether any change is broadening.
    pub broadening: bool,
    /// Whether `cdk diff` would report "permissions broadened" for these templates.
    pub cdk_broadening: bool,
    /// SHA-256 (hex) of the normalised changes.
    pub digest: String,
    /// The changes, sorted (by resource, category, kind, then content).
    pub changes: Vec<Change>,
}

impl ChangeSet {
    fn new(mut changes: Vec<Change>) -> ChangeSet {
        let mut keyed: Vec<(String, Change)> = changes
            .drain(..)
            .map(|c| (canonical_json(&c.digest_record()), c))
            .collect();
        keyed.sort_by(|(ka, a), (kb, b)| {
            (&a.resource, a.category, a.change, ka).cmp(&(&b.resource, b.category, b.change, kb))
        });
        let mut hasher = Sha256::new();
        hasher.update(b"preflight-security-diff-v1\n");
        let mut records: Vec<&String> = keyed.iter().map(|(k, _)| k).collect();
        records.sort();
        for record in records {
            hasher.update(record.as_bytes());
            hasher.update(b"\n");
        }
        let digest = hex(&hasher.finalize());
        let changes: Vec<Change> = keyed.into_iter().map(|(_, c)| c).collect();
        ChangeSet {
            broadening: changes.iter().any(|c| c.broadening),
            cdk_broadening: changes.iter().any(|c| c.cdk),
            digest,
            changes,
        }
    }

    /// Whether nothing security-relevant changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The broadening changes.
    pub fn broadening_changes(&self) -> impl Iterator<Item = &Change> + '_ {
        self.changes.iter().filter(|c| c.broadening)
    }

    /// Rows for a `cdk diff`-like rendering: IAM statements, managed policies, security
    /// group rules, and everything else.
    pub fn tables(&self) -> Tables {
        rows::tables(&self.changes)
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Compares two templates (canonical JSON, long-form intrinsics): the old one (the
/// deployed baseline; `{}` when there is none) and the new one.
pub fn diff(old: &Value, new: &Value) -> ChangeSet {
    let old_model = Model::from_template(old);
    let new_model = Model::from_template(new);
    diff_models(old, &old_model, new, &new_model)
}

/// As [`diff`], for callers that already built the two models.
pub fn diff_models(
    old_template: &Value,
    old: &Model,
    new_template: &Value,
    new: &Model,
) -> ChangeSet {
    let mut changes = Vec::new();
    statements::diff(old, new, &mut changes);
    others::managed_policies(old, new, &mut changes);
    others::boundaries(old, new, new_template, &mut changes);
    others::memberships(old, new, &mut changes);
    others::network(old, new, &mut changes);
    others::sso(old, new, &mut changes);
    others::exposure(old, new, &mut changes);
    stateful::diff(old_template, new_template, &mut changes);
    ChangeSet::new(changes)
}

/// Body of the `diff` fuzz target (`fuzz/`), here so the test suite replays its corpus:
/// `data` is two JSON templates separated by a NUL byte. The diff must not panic, a
/// template compared with itself has no changes, and the digest is deterministic.
#[doc(hidden)]
pub fn fuzz(data: &[u8]) {
    let mut parts = data.splitn(2, |b| *b == 0);
    let parse = |bytes: Option<&[u8]>| -> Value {
        bytes
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Object(Default::default()))
    };
    let old = parse(parts.next());
    let new = parse(parts.next());
    let changes = diff(&old, &new);
    assert_eq!(
        changes.digest,
        diff(&old, &new).digest,
        "the digest is deterministic"
    );
    let _ = changes.tables();
    assert!(
        diff(&new, &new).is_empty(),
        "a template compared with itself"
    );
}

#[cfg(test)]
mod tests;
