//! Helpers the rules share: the permission model (built once per evaluation), findings
//! reported once per source node, values if deployed with defaults, boolean properties,
//! and how resources read in messages. Per family: [`iam`] (statements, principals,
//! managed policies), [`network`] (security groups open to the world) and [`secrets`]
//! (the name and value heuristics).

pub mod iam;
pub mod nacl;
pub mod network;
pub mod props;
pub mod secrets;

use std::collections::HashSet;
use std::rc::Rc;

use preflight_policy::permissions::{Model, PolicyKind, Statement, is_no_value, with_defaults};
use preflight_policy::{Context, Finding, Findings, Node, Resource, Template};
use serde_json::Value;

pub use iam::*;
pub use nacl::*;
pub use network::*;
pub use props::*;
pub use secrets::*;

/// The permission model of the template in `cx`, built once per evaluation (the SDK's
/// per-evaluation cache) and shared by every rule.
pub fn model(cx: &Context<'_>) -> Rc<Model> {
    cx.cached(|cx| Model::from_template(cx.template.root().value()))
}

/// Remembers keys already reported, so that one source node gives one finding even when
/// the model expands it into several statements (`Fn::If` in `Effect` or `Condition`).
#[derive(Default)]
pub struct Seen(HashSet<String>);

impl Seen {
    /// Whether `key` is new (and remembers it).
    pub fn first(&mut self, key: impl Into<String>) -> bool {
        self.0.insert(key.into())
    }
}

/// Findings added at most once per JSON pointer: one source node gives one finding even
/// when the model expands it into several statements (`Fn::If` in `Effect` or
/// `Condition`).
pub struct Once<'o> {
    out: &'o mut Findings,
    seen: Seen,
}

impl<'o> Once<'o> {
    /// Adds to `out`.
    pub fn new(out: &'o mut Findings) -> Once<'o> {
        Once {
            out,
            seen: Seen::default(),
        }
    }

    /// Adds a finding at `pointer` unless one was added there already (then `None`).
    pub fn add(&mut self, pointer: &str, message: impl Into<String>) -> Option<&mut Finding> {
        if self.seen.first(pointer) {
            Some(self.out.add_at(pointer, message))
        } else {
            None
        }
    }
}

/// A message, and the severity of the finding when it is not the rule's own.
pub struct Say {
    /// The message.
    pub message: String,
    /// The severity, when not the rule's default.
    pub severity: Option<preflight_policy::Severity>,
}

impl Say {
    /// The message at another severity than the rule's.
    pub fn at(message: String, severity: preflight_policy::Severity) -> Say {
        Say {
            message,
            severity: Some(severity),
        }
    }

    /// Reports it at `pointer`.
    pub fn add_to(self, out: &mut Findings, pointer: &str) {
        let finding = out.add_at(pointer, self.message);
        if let Some(severity) = self.severity {
            finding.severity(severity);
        }
    }

    /// Reports it at `pointer`, unless a finding was reported there already.
    pub fn add_once(self, once: &mut Once<'_>, pointer: &str) {
        if let Some(finding) = once.add(pointer, self.message)
            && let Some(severity) = self.severity
        {
            finding.severity(severity);
        }
    }
}

impl From<String> for Say {
    fn from(message: String) -> Say {
        Say {
            message,
            severity: None,
        }
    }
}

/// Whether the template has IAM statements of `kind` (of any kind: `None`): the
/// statement rules apply then.
pub fn has_statements(cx: &Context<'_>, kind: Option<PolicyKind>) -> bool {
    let model = model(cx);
    let mut statements = model.statements();
    match kind {
        Some(kind) => statements.any(|s: &Statement| s.kind == kind),
        None => statements.next().is_some(),
    }
}

/// A property's value as text if deployed with defaults (the SDK's
/// [`with_defaults`]: the literal, or for `!Ref Param` the parameter's `Default`), with
/// the parameter it came from. Other intrinsics, mappings and sequences give `None`.
pub fn text_with_defaults<'a>(
    template: &Template<'a>,
    node: &Node<'a>,
) -> Option<(String, Option<&'a str>)> {
    let deployed = with_defaults(template, node.value())?;
    Some((deployed.as_text()?, deployed.parameter))
}

/// ` (the default of parameter `P`)` when a value came from a parameter default.
pub fn from_default(param: Option<&str>) -> String {
    match param {
        Some(p) => format!(" (the default of parameter `{p}`)"),
        None => String::new(),
    }
}

/// A boolean property as deployed: on, off (absent, `false`, or a parameter whose default
/// is `false`), or decided at deploy time.
pub enum Flag<'a> {
    /// `true`.
    On,
    /// Absent (`None`) or `false` (the node, and the parameter its default came from).
    Off(Option<(Node<'a>, Option<&'a str>)>),
    /// Anything else: an intrinsic, an odd value.
    Unknown,
}

/// Whether a resource's `Properties` is an intrinsic (`Fn::If` between two whole
/// property sets): what is absent cannot be told, so absence is not reported.
pub fn opaque(resource: &Resource<'_>) -> bool {
    resource.properties().is_some_and(|p| p.is_intrinsic())
}

/// Reads a boolean property (a path under `Properties`, with SAM `Globals` fallback).
pub fn flag<'a>(template: &Template<'a>, resource: &Resource<'a>, path: &str) -> Flag<'a> {
    if opaque(resource) {
        return Flag::Unknown;
    }
    let Some(node) = resource.property_path(path) else {
        return Flag::Off(None);
    };
    if is_no_value(node.value()) || node.value().is_null() {
        return Flag::Off(None);
    }
    match text_with_defaults(template, &node) {
        Some((s, _)) if s.eq_ignore_ascii_case("true") => Flag::On,
        Some((s, param)) if s.eq_ignore_ascii_case("false") => Flag::Off(Some((node, param))),
        _ => Flag::Unknown,
    }
}

/// Reports a boolean property that is off: at the property when written, at the
/// resource's `Properties` (or the resource) when absent. `what` completes "`Id` ...".
pub fn report_off(
    out: &mut Findings,
    resource: &Resource<'_>,
    property: &str,
    off: &Option<(Node<'_>, Option<&str>)>,
    what: &str,
) -> Option<()> {
    match off {
        Some((node, param)) => {
            out.add(
                node,
                format!(
                    "{} `{}` sets `{property}: false`{}: {what}",
                    type_noun(resource.ty),
                    resource.id,
                    from_default(*param)
                ),
            );
        }
        None => {
            let at = resource
                .properties()
                .unwrap_or_else(|| resource.node.clone());
            out.add(
                &at,
                format!(
                    "{} `{}` does not set `{property}`: {what}",
                    type_noun(resource.ty),
                    resource.id
                ),
            );
        }
    }
    Some(())
}

/// Whether a property is set (present, not `AWS::NoValue`, not null or empty).
pub fn is_set(resource: &Resource<'_>, path: &str) -> bool {
    opaque(resource)
        || resource
            .property_path(path)
            .is_some_and(|n| match n.value() {
                Value::Null => false,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                v => !is_no_value(v),
            })
}

/// The CloudFront distributions of the template that have a `DistributionConfig`, with
/// it.
pub fn distribution_configs<'a>(
    template: &Template<'a>,
) -> impl Iterator<Item = (Resource<'a>, Node<'a>)> + 'a {
    template
        .resources_of_type("AWS::CloudFront::Distribution")
        .filter_map(|d| d.property("DistributionConfig").map(|config| (d, config)))
}

/// The resource a statement belongs to, as a phrase for messages.
pub fn subject(s: &Statement) -> String {
    let id = &s.owner;
    match (s.kind, s.owner_type.as_str()) {
        (PolicyKind::Trust, "AWS::Serverless::Function" | "AWS::Serverless::StateMachine") => {
            format!("the trust policy of the role SAM generates for `{id}`")
        }
        (PolicyKind::Trust, _) => format!("the trust policy of role `{id}`"),
        (_, ty) => owner_phrase(ty, id),
    }
}

/// The resource that holds or gets something, as a phrase for messages: `role `R``,
/// `function `F` (its generated role)`.
pub fn owner_phrase(ty: &str, id: &str) -> String {
    match ty {
        "AWS::Serverless::Function" => format!("function `{id}` (its generated role)"),
        "AWS::Serverless::StateMachine" => format!("state machine `{id}` (its generated role)"),
        _ => format!("{} `{id}`", type_noun(ty)),
    }
}

/// A short noun for a resource type: `role`, `bucket policy`, `queue`, ...
pub fn type_noun(ty: &str) -> String {
    let known = match ty {
        "AWS::IAM::Role" => "role",
        "AWS::IAM::User" => "user",
        "AWS::IAM::Group" => "group",
        "AWS::IAM::Policy" => "policy",
        "AWS::IAM::ManagedPolicy" => "managed policy",
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => "policy",
        "AWS::SSO::PermissionSet" => "permission set",
        "AWS::S3::BucketPolicy" => "bucket policy",
        "AWS::SQS::QueuePolicy" => "queue policy",
        "AWS::SNS::TopicPolicy" => "topic policy",
        "AWS::KMS::Key" => "key",
        "AWS::Lambda::Permission" => "Lambda permission",
        "AWS::SecretsManager::ResourcePolicy" => "secret policy",
        "AWS::ECR::Repository" => "repository",
        "AWS::ApiGateway::DomainNameV2" => "private custom domain",
        "AWS::ApiGateway::RestApi" => "REST API",
        "AWS::IoT::Policy" => "IoT policy",
        "AWS::S3::Bucket" => "bucket",
        "AWS::SQS::Queue" => "queue",
        "AWS::SNS::Topic" => "topic",
        "AWS::EC2::Volume" => "volume",
        "AWS::RDS::DBInstance" => "DB instance",
        "AWS::RDS::DBCluster" => "DB cluster",
        "AWS::Neptune::DBCluster" => "Neptune cluster",
        "AWS::DocDB::DBCluster" => "DocumentDB cluster",
        "AWS::Redshift::Cluster" => "Redshift cluster",
        "AWS::DAX::Cluster" => "DAX cluster",
        "AWS::DMS::ReplicationInstance" => "replication instance",
        "AWS::EFS::FileSystem" => "file system",
        "AWS::Logs::LogGroup" => "log group",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" | "AWS::Serverless::SimpleTable" => {
            "table"
        }
        "AWS::CloudTrail::Trail" => "trail",
        "AWS::CloudFront::Distribution" => "distribution",
        "AWS::ElasticLoadBalancingV2::Listener" => "listener",
        "AWS::ElasticLoadBalancingV2::LoadBalancer" | "AWS::ElasticLoadBalancing::LoadBalancer" => {
            "load balancer"
        }
        "AWS::ApiGateway::Stage" | "AWS::ApiGatewayV2::Stage" => "stage",
        "AWS::ApiGateway::Deployment" => "deployment",
        "AWS::ApiGateway::DomainName" | "AWS::ApiGatewayV2::DomainName" => "domain name",
        "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => "API",
        _ => "",
    };
    if known.is_empty() {
        format!("resource ({ty})")
    } else {
        known.to_string()
    }
}

/// A node's value as text if deployed with defaults (see [`text_with_defaults`]).
pub fn lit(template: &Template<'_>, node: &Node<'_>) -> Option<String> {
    text_with_defaults(template, node).map(|(text, _)| text)
}

/// Whether a node is `true` if deployed with defaults (`true`, `"True"`, a parameter
/// whose default is one); cfn_nag's `truthy?`.
pub fn truthy(template: &Template<'_>, node: Option<&Node<'_>>) -> bool {
    node.and_then(|n| lit(template, n))
        .is_some_and(|t| t.eq_ignore_ascii_case("true"))
}

/// The `Stage` of every `ApiStages` entry of the template's usage plans, indexed once
/// per template (a rule that scanned them for each stage or deployment would cost the
/// product of the two on a large template).
pub struct PlannedStages<'a> {
    /// Logical ids of the stages referenced (`Ref` or `Fn::GetAtt`).
    referenced: HashSet<&'a str>,
    /// Literal stage names.
    names: HashSet<&'a str>,
    /// Every value that is not a literal name, by the id it refers to (if any), to be
    /// compared as written.
    written: std::collections::HashMap<Option<&'a str>, Vec<&'a Value>>,
}

impl<'a> PlannedStages<'a> {
    /// The usage plans' stages of `t`.
    pub fn of(t: &Template<'a>) -> PlannedStages<'a> {
        let mut planned = PlannedStages {
            referenced: HashSet::new(),
            names: HashSet::new(),
            written: Default::default(),
        };
        for stages in t
            .resources_of_type("AWS::ApiGateway::UsagePlan")
            .filter_map(|p| p.property("ApiStages"))
        {
            for stage in stages.one_or_many() {
                let Some(value) = stage.get("Stage").map(|n| n.value()) else {
                    continue;
                };
                if let Some(name) = value.as_str() {
                    planned.names.insert(name);
                    continue;
                }
                let id = refers_to(value);
                if let Some(id) = id {
                    planned.referenced.insert(id);
                }
                planned.written.entry(id).or_default().push(value);
            }
        }
        planned
    }

    /// Whether a usage plan names the stage resource `id` by reference.
    pub fn references(&self, id: &str) -> bool {
        self.referenced.contains(id)
    }

    /// Whether a usage plan's `Stage` is written exactly as `value` (a `StageName`).
    pub fn has_value(&self, value: &Value) -> bool {
        match value.as_str() {
            Some(name) => self.names.contains(name),
            None => self
                .written
                .get(&refers_to(value))
                .is_some_and(|values| values.contains(&value)),
        }
    }
}

/// The logical id a `Ref` or `Fn::GetAtt` (either form) names, as cfn-model resolves a
/// reference to a resource of the template.
pub fn refers_to(value: &Value) -> Option<&str> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    if let Some(id) = map.get("Ref") {
        return id.as_str();
    }
    match map.get("Fn::GetAtt")? {
        Value::Array(args) => args.first()?.as_str(),
        Value::String(s) => s.split('.').next(),
        _ => None,
    }
}
