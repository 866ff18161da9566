//! The normalised permission model of a template: who may do what to which resource,
//! what is reachable from the network, and which public-exposure and data-protection
//! switches are set.
//!
//! [`Model::from_template`] reads a template's canonical JSON (long-form intrinsics)
//! and collects:
//!
//! - [`Statement`]s of three [`PolicyKind`]s:
//!   - **identity** policies: inline `Policies` of `AWS::IAM::Role`/`User`/`Group`,
//!     `AWS::IAM::Policy`/`ManagedPolicy` (attached through `Roles`/`Users`/`Groups`),
//!     `AWS::IAM::RolePolicy`/`UserPolicy`/`GroupPolicy`, the `InlinePolicy` of an
//!     `AWS::SSO::PermissionSet`, and the role SAM generates for an
//!     `AWS::Serverless::Function` or `AWS::Serverless::StateMachine` (its `Policies`:
//!     inline statements, and SAM policy templates such as
//!     `S3ReadPolicy: {BucketName: !Ref B}` expanded from the table SAM itself uses;
//!     and the statements SAM adds by itself, e.g. for a `DeadLetterQueue`);
//!   - **trust** policies: `AssumeRolePolicyDocument` of a role or SAM function, and the
//!     default trust SAM gives the role it generates;
//!   - **resource** policies: `AWS::S3::BucketPolicy`, `AWS::SQS::QueuePolicy`,
//!     `AWS::SNS::TopicPolicy`, `AWS::SecretsManager::ResourcePolicy`, `AWS::KMS::Key`
//!     `KeyPolicy`, `AWS::ECR::Repository` `RepositoryPolicyText`, API Gateway `Policy`,
//!     any other property whose name ends in `Policy`, `PolicyDocument`, `PolicyText`
//!     or `Policies` that holds a policy document (as a mapping or a JSON string), and
//!     `AWS::Lambda::Permission` read as the statement Lambda adds to the function's
//!     policy.
//! - [`ManagedPolicy`] attachments (`ManagedPolicyArns`, SAM `Policies` naming an AWS
//!   managed policy or an ARN, the managed policies SAM attaches by itself, SSO
//!   `ManagedPolicies`), [`Boundary`] permissions boundaries and [`Membership`]s of
//!   users in groups;
//! - [`NetworkRule`]s: security group ingress and egress, inline or standalone (a range
//!   given as a `Ref` to a parameter with a `Default`, or as an `Fn::FindInMap` with
//!   literal keys, is also read as it is if deployed with defaults: see
//!   [`NetworkRule::is_open_to_world`] and [`with_defaults`]);
//! - [`Exposure`] switches: S3 public access block and ACL, Lambda Function URL auth,
//!   API authorizers, `PubliclyAccessible`, and encryption at rest;
//! - [`SsoEntry`]s: IAM Identity Center permission sets, assignments and access
//!   control attributes.
//!
//! Every element keeps the JSON pointer it came from (so a rule can report line and
//! column) and the logical id of the resource it belongs to. Intrinsics are never
//! dropped: they are rendered symbolically (`${MyBucket.Arn}`, `${AWS::AccountId}`,
//! see [`render`]), and both branches of an `Fn::If` are kept, each tagged with the
//! [`Branch`] it needs (`when`).
//!
//! ```
//! use preflight_policy::permissions::{Model, PolicyKind};
//! use serde_json::json;
//!
//! let template = json!({"Resources": {
//!     "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
//!         "Policies": [{"S3ReadPolicy": {"BucketName": {"Ref": "Bucket"}}}]}}}});
//! let model = Model::from_template(&template);
//! let read = model
//!     .statements()
//!     .find(|s| s.kind == PolicyKind::Identity && s.owner == "Fn")
//!     .unwrap();
//! assert!(read.actions.strings().any(|a| a == "s3:GetObject"));
//! assert!(read.resources.strings().any(|r| r == "arn:${AWS::Partition}:s3:::${Bucket}/*"));
//! assert_eq!(read.applies_to, ["${FnRole}"]);
//! assert_eq!(read.pointer, "/Resources/Fn/Properties/Policies/0/S3ReadPolicy");
//! ```

mod defaults;
mod exposure;
mod iam;
mod network;
pub(crate) mod render;
mod sam;
mod sso;

use serde::Serialize;
use serde_json::Value;

use crate::template::Template;

pub use defaults::{Defaulted, find_in_map, parameter_default, with_defaults};
pub use exposure::{Exposure, Switch, SwitchState};
pub use network::{Direction, NetworkRule, Peer, ResolvedCidr, is_world_cidr};
pub use render::{canonical_json, is_no_value, render, wildcard_match};
pub use sam::{managed_policy_arn, policy_template, policy_template_names};
pub use sso::{SsoEntry, SsoKind};

/// One `Fn::If` decision: the condition's name and the branch taken (`true` = the
/// first branch).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Branch {
    /// The condition named by the `Fn::If`.
    pub condition: String,
    /// `true` for the first ("then") branch, `false` for the second.
    pub value: bool,
}

/// Whether every branch in `inner` is also in `outer`: something guarded by `inner`
/// applies whenever something guarded by `outer` does.
pub fn guard_implies(outer: &[Branch], inner: &[Branch]) -> bool {
    inner.iter().all(|b| outer.contains(b))
}

/// One value of a statement's list (an action, a resource, a principal, a condition
/// value), rendered symbolically, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    /// The value: a literal, or intrinsics rendered as in [`render`]. Principals read
    /// `TYPE:value` (`AWS:arn:...`, `Service:lambda.amazonaws.com`, `Federated:...`,
    /// `CanonicalUser:...`); `"*"` and `{"AWS": "*"}` both read `AWS:*`, and a bare
    /// 12-digit account id reads `AWS:arn:aws:iam::<id>:root`.
    pub value: String,
    /// JSON pointer of the node it came from. For values SAM generates (policy
    /// templates, implicit policies) this is the node that causes them.
    pub pointer: String,
    /// The `Fn::If` branches under which this value is present (empty: always).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Branch>,
}

/// The values of one statement field: `Action` or `NotAction`, `Resource` or
/// `NotResource`, `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Targets {
    /// Whether the field is the negated one (`NotAction`, ...).
    pub not: bool,
    /// The values, sorted by value.
    pub values: Vec<Element>,
}

impl Targets {
    /// Whether the field is absent or empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values as strings.
    pub fn strings(&self) -> impl Iterator<Item = &str> + '_ {
        self.values.iter().map(|e| e.value.as_str())
    }

    /// Whether a value is `*`; for principals, whether one is anyone: `AWS:*`, or an
    /// AWS principal ARN with a `*` in its account (`AWS:arn:aws:iam::*:root`, any
    /// account). With `not`, this means the field excludes everything.
    pub fn has_star(&self) -> bool {
        self.strings()
            .any(|v| v == "*" || v == "AWS:*" || is_any_account_principal(v))
    }

    /// Whether a value is exactly `*` (or `AWS:*`): the field matches every value of
    /// its dimension, services and anonymous callers included.
    pub(crate) fn has_literal_star(&self) -> bool {
        self.strings().any(|v| v == "*" || v == "AWS:*")
    }

    /// Whether any value contains a `*` or `?` wildcard outside a `${...}` placeholder.
    pub fn has_wildcard(&self) -> bool {
        self.strings().any(has_wildcard)
    }

    /// Whether the field matches everything: a positive `*`, or any negated field
    /// (`NotAction: [x]` matches all but x, which counts as "almost everything").
    /// A `NotPrincipal` of any account (`arn:aws:iam::*:root`) still leaves services and
    /// anonymous callers, so only a literal `*` makes a negated field bounded.
    pub fn is_unbounded(&self) -> bool {
        if self.not {
            !self.has_literal_star()
        } else {
            self.has_star()
        }
    }

    fn sort(&mut self) {
        self.values
            .sort_by(|a, b| a.value.cmp(&b.value).then_with(|| a.when.cmp(&b.when)));
    }
}

/// Whether `value` has a `*` or `?` outside `${...}` placeholders.
pub fn has_wildcard(value: &str) -> bool {
    let mut depth = 0usize;
    let mut prev = '\0';
    for c in value.chars() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            '*' | '?' if depth == 0 => return true,
            _ => {}
        }
        prev = c;
    }
    false
}

/// Whether a principal element is an AWS principal ARN with a `*` in its account
/// (`AWS:arn:aws:iam::*:root`, `AWS:arn:${AWS::Partition}:iam::*:role/x`): one in any
/// account, so anyone who has an AWS account.
pub fn is_any_account_principal(principal: &str) -> bool {
    let Some(arn) = principal.strip_prefix("AWS:") else {
        return false;
    };
    let fields = split_outside_placeholders(arn, ':');
    fields.len() >= 6 && fields[0] == "arn" && has_wildcard(&fields[4].replace('?', ""))
}

/// Splits on `sep` outside `${...}` placeholders (`arn:${AWS::Partition}:iam::...`).
fn split_outside_placeholders(value: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut prev) = (0usize, 0usize, '\0');
    for (i, c) in value.char_indices() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&value[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        prev = c;
    }
    out.push(&value[start..]);
    out
}

/// The effect of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
    /// Missing, not a literal, or not a statement at all: treated as possibly `Allow`.
    Unknown,
}

/// Which side of IAM a statement is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// What an identity (role, user, group, permission set) may do.
    Identity,
    /// Who may assume a role.
    Trust,
    /// Who may use a resource (bucket, queue, key, function, ...). VPC endpoint
    /// policies are read as resource policies too: [`Statement::is_endpoint_policy`]
    /// tells them apart.
    Resource,
}

/// Where in the template a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Origin {
    /// A policy document under a property of the owner, e.g. `PolicyDocument`,
    /// `KeyPolicy`, `AssumeRolePolicyDocument`, or an entry of an IAM `Policies` list.
    Document {
        /// The property holding it (`Policies` for an IAM inline policy list).
        property: String,
        /// The `PolicyName`, for entries of an IAM `Policies` list.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// An entry of a SAM function's or state machine's `Policies`: an inline document.
    SamInline {
        /// Index in `Policies`.
        index: usize,
    },
    /// A SAM policy template in `Policies`, expanded.
    SamTemplate {
        /// The template's name, e.g. `S3ReadPolicy`.
        name: String,
    },
    /// A statement SAM writes by itself (default trust policy, dead-letter queue).
    SamImplicit {
        /// What causes it.
        reason: String,
    },
    /// An `AWS::Lambda::Permission`, read as the statement it adds.
    LambdaPermission,
}

/// One condition of a statement: `{operator: {key: values}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The operator, e.g. `StringEquals`, `ArnLike`, `Bool`.
    pub operator: String,
    /// The condition key, e.g. `aws:SourceArn`. Keys are case-insensitive in IAM; the
    /// global `aws:` prefix is always written in lower case (`AWS:SourceArn`, as a
    /// Lambda permission or a template may spell it, reads `aws:SourceArn`), the rest
    /// as written.
    pub key: String,
    /// The values, sorted.
    pub values: Vec<Element>,
    /// JSON pointer of the key's node.
    pub pointer: String,
}

/// One normalised policy statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Identity, trust or resource policy.
    pub kind: PolicyKind,
    /// Logical id of the resource that holds the statement (the role, the bucket
    /// policy, the SAM function whose generated role gets it, ...).
    pub owner: String,
    /// The owner's type.
    pub owner_type: String,
    /// Where in the owner it comes from.
    pub origin: Origin,
    /// What the statement applies to, rendered symbolically. Identity policies: the
    /// identities that get it (`${MyRole}` for a role by `Ref`, `${FnRole}` for the role
    /// SAM generates for function `Fn`, `${MyPermissionSet}`); empty for a managed policy
    /// attached to nothing. Trust policies: the role (`${MyRole.Arn}`). Resource
    /// policies: the resources (`${MyQueue}` from a queue policy's `Queues`, the
    /// function of a Lambda permission, `${MyKey.Arn}` for an inline `KeyPolicy`).
    pub applies_to: Vec<String>,
    /// The `Sid`, when a literal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The effect.
    pub effect: Effect,
    /// `Action` / `NotAction`.
    pub actions: Targets,
    /// `Resource` / `NotResource`.
    pub resources: Targets,
    /// `Principal` / `NotPrincipal` (empty in identity policies).
    pub principals: Targets,
    /// The conditions, sorted by operator then key.
    pub conditions: Vec<Condition>,
    /// The `Fn::If` branches under which the statement exists at all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Branch>,
    /// JSON pointer of the statement (for SAM-generated statements: the node that
    /// causes them).
    pub pointer: String,
    /// When the statement could not be read (not a mapping, `Statement` is an
    /// intrinsic, unknown SAM policy template): its symbolic rendering. Its effect is
    /// then [`Effect::Unknown`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

impl Statement {
    /// Whether the effect is `Allow`.
    pub fn is_allow(&self) -> bool {
        self.effect == Effect::Allow
    }

    /// Whether any field is negated (`NotAction`, `NotResource`, `NotPrincipal`).
    pub fn has_not(&self) -> bool {
        self.actions.not || self.resources.not || self.principals.not
    }

    /// A statement that grants (`Allow` without `Not*` fields, or an unreadable one).
    pub fn is_grant(&self) -> bool {
        match self.effect {
            Effect::Allow => !self.has_not(),
            Effect::Deny => false,
            Effect::Unknown => true,
        }
    }

    /// "Negative" as `cdk diff` defines it: a `Deny` without `Not*` fields, or an
    /// `Allow` with one. Removing such a statement counts as broadening there.
    pub fn is_negative_cdk(&self) -> bool {
        match self.effect {
            Effect::Allow => self.has_not(),
            Effect::Deny | Effect::Unknown => !self.has_not(),
        }
    }

    /// Whether an `Allow` statement allows every action (`*`, or `NotAction`).
    pub fn allows_all_actions(&self) -> bool {
        self.effect != Effect::Deny && self.actions.is_unbounded()
    }

    /// Whether an `Allow` statement covers every resource (`*`, or `NotResource`).
    pub fn allows_all_resources(&self) -> bool {
        self.effect != Effect::Deny && self.resources.is_unbounded()
    }

    /// Whether an `Allow` statement is open to anyone (`Principal: *`, `{"AWS": "*"}`,
    /// any account as in `arn:aws:iam::*:root`, or `NotPrincipal`). Conditions may still
    /// narrow it: see [`Statement::conditions`]. On a VPC endpoint policy this is the
    /// norm, not public access: see [`Statement::is_endpoint_policy`].
    pub fn allows_any_principal(&self) -> bool {
        self.effect != Effect::Deny && self.principals.is_unbounded()
    }

    /// Whether the statement is part of a VPC endpoint policy (the `PolicyDocument` of
    /// an `AWS::EC2::VPCEndpoint`). Such a policy only limits what may pass through the
    /// endpoint and grants nothing by itself: a `*` principal there is normal and
    /// exposes nothing to the internet.
    pub fn is_endpoint_policy(&self) -> bool {
        self.kind == PolicyKind::Resource && self.owner_type == ENDPOINT_TYPE
    }
}

/// A managed policy attached to an identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagedPolicy {
    /// Logical id of the resource that attaches it.
    pub owner: String,
    /// The owner's type.
    pub owner_type: String,
    /// The identity it is attached to (`${MyRole}`, `${FnRole}`, ...).
    pub identity: String,
    /// The policy ARN, rendered. AWS managed policy ARNs are normalised to
    /// `arn:${AWS::Partition}:iam::aws:policy/...`, whatever partition or spelling the
    /// template uses (a SAM policy name such as `AmazonS3ReadOnlyAccess` included).
    pub arn: String,
    /// JSON pointer of the node that attaches it.
    pub pointer: String,
    /// The `Fn::If` branches under which it is attached.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Branch>,
    /// Attached by SAM without being written (e.g. `AWSLambdaBasicExecutionRole`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
}

/// A permissions boundary set on an identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Boundary {
    /// Logical id of the resource that sets it.
    pub owner: String,
    /// The owner's type.
    pub owner_type: String,
    /// The identity it bounds.
    pub identity: String,
    /// The boundary, rendered (an ARN, or for SSO a customer managed policy reference).
    pub policy: String,
    /// JSON pointer of the property.
    pub pointer: String,
    /// The `Fn::If` branches under which it is set.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Branch>,
}

/// A user's membership of a group (whose policies it then gets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// Logical id of the resource that declares it.
    pub owner: String,
    /// The user, rendered.
    pub user: String,
    /// The group, rendered.
    pub group: String,
    /// JSON pointer of the node.
    pub pointer: String,
    /// The `Fn::If` branches under which it holds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Branch>,
}

/// The permission model of one template. See the [module docs](self).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Model {
    statements: Vec<Statement>,
    managed_policies: Vec<ManagedPolicy>,
    boundaries: Vec<Boundary>,
    memberships: Vec<Membership>,
    network_rules: Vec<NetworkRule>,
    exposure: Vec<Exposure>,
    sso: Vec<SsoEntry>,
}

impl Model {
    /// Reads the model from a template's canonical JSON. Never fails: parts it cannot
    /// read become statements with [`Effect::Unknown`] or are skipped.
    pub fn from_template(template: &Value) -> Model {
        let mut model = Model::default();
        let template = Template::new(template);
        for resource in template.resources() {
            iam::collect(&resource, &mut model);
            sam::collect(&resource, &mut model);
            sso::collect(&resource, &mut model);
            network::collect(&resource, &mut model);
            exposure::collect(&resource, &mut model);
        }
        model
    }

    /// Every statement, in template order.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> + '_ {
        self.statements.iter()
    }

    /// The statements of one kind.
    pub fn statements_of_kind(&self, kind: PolicyKind) -> impl Iterator<Item = &Statement> + '_ {
        self.statements.iter().filter(move |s| s.kind == kind)
    }

    /// The statements held by one resource (by logical id).
    pub fn statements_of<'a>(&'a self, owner: &'a str) -> impl Iterator<Item = &'a Statement> + 'a {
        self.statements.iter().filter(move |s| s.owner == owner)
    }

    /// Managed policy attachments.
    pub fn managed_policies(&self) -> &[ManagedPolicy] {
        &self.managed_policies
    }

    /// Permissions boundaries.
    pub fn boundaries(&self) -> &[Boundary] {
        &self.boundaries
    }

    /// Users' group memberships.
    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    /// Security group rules.
    pub fn network_rules(&self) -> &[NetworkRule] {
        &self.network_rules
    }

    /// Public-exposure and data-protection switches.
    pub fn exposure(&self) -> &[Exposure] {
        &self.exposure
    }

    /// IAM Identity Center entries.
    pub fn sso(&self) -> &[SsoEntry] {
        &self.sso
    }
}

/// The resource type whose `PolicyDocument` is a VPC endpoint policy.
pub(crate) const ENDPOINT_TYPE: &str = "AWS::EC2::VPCEndpoint";

/// The symbolic name of a resource (`${Id}`), as a `Ref` to it renders.
pub(crate) fn sym(id: &str) -> String {
    format!("${{{id}}}")
}

/// The symbolic ARN of a resource (`${Id.Arn}`).
pub(crate) fn sym_arn(id: &str) -> String {
    format!("${{{id}.Arn}}")
}

#[cfg(test)]
mod tests;
