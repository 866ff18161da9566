//! Property requirements: the many rules that check one property of one resource type
//! (on, set, one of some values) declare a table of [`Requirement`]s and let
//! [`check_requirements`] read it, so every such rule judges values the same way:
//!
//! - a `!Ref` to a parameter is judged by the parameter's `Default` (no default: decided
//!   at deploy time, not reported);
//! - any other intrinsic (`Fn::If`, `Fn::GetAtt`, `Fn::ImportValue`, ...) is decided at
//!   deploy time and not reported, nor is anything under a `Properties` that is itself an
//!   intrinsic;
//! - `AWS::NoValue`, `null` and the empty string count as absent;
//! - SAM resources read their `Globals` when they do not set the property.
//!
//! A finding points at the property when it is written, else at the resource's
//! `Properties` (or the resource when it has none).

use preflight_policy::permissions::is_no_value;
use preflight_policy::{Findings, Node, Resource, Template};
use serde_json::Value;

use super::{from_default, opaque, text_with_defaults, type_noun};

/// What a property must be for the resource to pass.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// `true`; absent or `false` fails.
    True,
    /// Present with any value.
    Set,
    /// Anything but `true`; absent passes.
    NotTrue,
    /// One of these values (compared ignoring ASCII case); absent fails.
    OneOf(&'static [&'static str]),
    /// One of these values when present; absent passes.
    OneOfIfSet(&'static [&'static str]),
    /// None of these values (compared ignoring ASCII case); absent passes.
    NoneOf(&'static [&'static str]),
    /// Present, and not containing this text (an AWS managed key alias, `alias/aws/`).
    SetExcept(&'static str),
    /// Absent; any value fails.
    Unset,
}

/// One property requirement of a rule.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    /// The resource types it applies to.
    pub types: &'static [&'static str],
    /// The property path under `Properties` (`EncryptionAtRestOptions/Enabled`).
    pub path: &'static str,
    /// What the value must be.
    pub expect: Expect,
    /// What a failure means, completing "`Id` does not set ...: {what}".
    pub what: &'static str,
}

/// Nouns for types whose last part alone would be vague (`Cluster`, `Domain`) or would
/// split badly (`GraphQLApi`).
const NOUNS: &[(&str, &str)] = &[
    ("AWS::AppSync::GraphQLApi", "GraphQL API"),
    ("AWS::AmazonMQ::Broker", "MQ broker"),
    ("AWS::CodeBuild::Project", "CodeBuild project"),
    ("AWS::EMR::Cluster", "EMR cluster"),
    ("AWS::EKS::Cluster", "EKS cluster"),
    ("AWS::ECS::Cluster", "ECS cluster"),
    ("AWS::MSK::Cluster", "MSK cluster"),
    ("AWS::Elasticsearch::Domain", "Elasticsearch domain"),
    ("AWS::OpenSearchService::Domain", "OpenSearch domain"),
    ("AWS::Glue::Crawler", "Glue crawler"),
    ("AWS::Glue::Job", "Glue job"),
    ("AWS::Glue::DevEndpoint", "Glue development endpoint"),
    ("AWS::Kendra::Index", "Kendra index"),
    ("AWS::Kinesis::Stream", "Kinesis stream"),
    ("AWS::SageMaker::Model", "SageMaker model"),
    ("AWS::SageMaker::Domain", "SageMaker domain"),
    ("AWS::Timestream::Database", "Timestream database"),
    ("AWS::Transfer::Server", "Transfer server"),
    ("AWS::WorkSpaces::Workspace", "WorkSpace"),
    ("AWS::Bedrock::Agent", "Bedrock agent"),
    ("AWS::DynamoDB::GlobalTable", "global table"),
    ("AWS::QLDB::Ledger", "QLDB ledger"),
];

/// How a resource reads in a message: `replication group `Cache``.
pub fn describe(resource: &Resource<'_>) -> String {
    if let Some((_, noun)) = NOUNS.iter().find(|(ty, _)| *ty == resource.ty) {
        return format!("{noun} `{}`", resource.id);
    }
    let noun = type_noun(resource.ty);
    if noun.starts_with("resource (") {
        format!("{} `{}`", derived_noun(resource.ty), resource.id)
    } else {
        format!("{noun} `{}`", resource.id)
    }
}

/// A noun from the last part of a resource type: `ReplicationGroup` → `replication group`.
fn derived_noun(ty: &str) -> String {
    let last = ty.rsplit("::").next().unwrap_or(ty);
    let mut out = String::new();
    let chars: Vec<char> = last.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let boundary = i > 0
            && c.is_ascii_uppercase()
            && (chars[i - 1].is_ascii_lowercase()
                || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if boundary {
            out.push(' ');
        }
        out.push(*c);
    }
    // Keep acronyms (`DB`, `EMR`) as written, lower-case the rest.
    out.split(' ')
        .map(|w| {
            if w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()) {
                w.to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A property as deployed with defaults.
pub enum Deployed<'a> {
    /// Absent, `AWS::NoValue`, `null` or empty.
    Absent,
    /// A literal value (from the template or a parameter default): its text, the node,
    /// and the parameter it came from.
    Known(String, Node<'a>, Option<&'a str>),
    /// Decided at deploy time.
    Unknown,
}

/// Reads a property (a `/`-separated path under `Properties`, with the `Globals`
/// fallback) as it will be deployed with parameter defaults.
pub fn read<'a>(template: &Template<'a>, resource: &Resource<'a>, path: &str) -> Deployed<'a> {
    if opaque(resource) {
        return if branches_lack(resource, path) {
            Deployed::Absent
        } else {
            Deployed::Unknown
        };
    }
    let Some(node) = resource.property_path(path) else {
        // A parent that is an intrinsic hides whether the property is set.
        return if parent_is_intrinsic(resource, path) {
            Deployed::Unknown
        } else {
            Deployed::Absent
        };
    };
    read_node(template, node)
}

/// Reads a node as it will be deployed with parameter defaults.
pub fn read_node<'a>(template: &Template<'a>, node: Node<'a>) -> Deployed<'a> {
    match node.value() {
        Value::Null => return Deployed::Absent,
        Value::String(s) if s.is_empty() => return Deployed::Absent,
        v if is_no_value(v) => return Deployed::Absent,
        _ => {}
    }
    match text_with_defaults(template, &node) {
        Some((text, param)) => Deployed::Known(text, node, param),
        None if node.value().is_object() && !node.is_intrinsic() => {
            Deployed::Known(String::new(), node, None)
        }
        None if node.value().is_array() => Deployed::Known(String::new(), node, None),
        None => Deployed::Unknown,
    }
}

/// Whether `Properties` is an `Fn::If` between property sets none of which has `path`
/// (nested `Fn::If` included): then the property is absent whichever way the condition
/// goes.
fn branches_lack(resource: &Resource<'_>, path: &str) -> bool {
    fn lacks(value: &Value, path: &str) -> bool {
        if let Some(args) = value.get("Fn::If").and_then(Value::as_array) {
            return args.len() == 3 && args[1..].iter().all(|branch| lacks(branch, path));
        }
        if !value.is_object() || is_no_value(value) {
            return value.is_object();
        }
        let mut node = value;
        for part in path.split('/') {
            match node.get(part) {
                Some(child) => node = child,
                None => return true,
            }
            if node.is_object() && node.get("Fn::If").is_some() {
                return false;
            }
        }
        is_no_value(node) || node.is_null()
    }
    resource
        .properties()
        .is_some_and(|p| lacks(p.value(), path))
}

fn parent_is_intrinsic(resource: &Resource<'_>, path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    (1..parts.len()).any(|n| {
        resource
            .property_path(&parts[..n].join("/"))
            .is_some_and(|p| p.is_intrinsic())
    })
}

/// Where to report something absent from `resource`.
pub fn absent_at<'a>(resource: &Resource<'a>) -> Node<'a> {
    resource
        .properties()
        .unwrap_or_else(|| resource.node.clone())
}

/// The path as written in messages: `EncryptionAtRestOptions.Enabled`.
pub fn shown(path: &str) -> String {
    path.replace('/', ".")
}

fn is_true(text: &str) -> bool {
    text.eq_ignore_ascii_case("true")
}

fn one_of(values: &[&str], text: &str) -> bool {
    values.iter().any(|v| v.eq_ignore_ascii_case(text))
}

fn list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Checks one resource against one requirement; adds at most one finding.
pub fn check_one(
    template: &Template<'_>,
    resource: &Resource<'_>,
    req: &Requirement,
    out: &mut Findings,
) {
    let who = describe(resource);
    let path = shown(req.path);
    let what = req.what;
    match (req.expect, read(template, resource, req.path)) {
        (Expect::Unset, Deployed::Unknown) => {
            if let Some(node) = resource.property_path(req.path) {
                out.add(&node, format!("{who} sets `{path}`: {what}"));
            }
        }
        (_, Deployed::Unknown) => {}
        (
            Expect::True | Expect::Set | Expect::SetExcept(_) | Expect::OneOf(_),
            Deployed::Absent,
        ) => {
            out.add(
                &absent_at(resource),
                format!("{who} does not set `{path}`: {what}"),
            );
        }
        (
            Expect::NotTrue | Expect::OneOfIfSet(_) | Expect::NoneOf(_) | Expect::Unset,
            Deployed::Absent,
        ) => {}
        (Expect::Unset, Deployed::Known(_, node, _)) => {
            out.add(&node, format!("{who} sets `{path}`: {what}"));
        }
        (Expect::True, Deployed::Known(text, node, param)) if !is_true(&text) => {
            let shown_value = if text.is_empty() {
                "a value that is not `true`".to_string()
            } else {
                format!("`{text}`")
            };
            out.add(
                &node,
                format!(
                    "{who} sets `{path}` to {shown_value}{}: {what}",
                    from_default(param)
                ),
            );
        }
        (Expect::NotTrue, Deployed::Known(text, node, param)) if is_true(&text) => {
            out.add(
                &node,
                format!("{who} sets `{path}: true`{}: {what}", from_default(param)),
            );
        }
        (
            Expect::OneOf(values) | Expect::OneOfIfSet(values),
            Deployed::Known(text, node, param),
        ) if !one_of(values, &text) => {
            let shown_value = if text.is_empty() {
                "a value that is not".to_string()
            } else {
                format!("`{text}`, not")
            };
            out.add(
                &node,
                format!(
                    "{who} sets `{path}` to {shown_value} {}{}: {what}",
                    list(values),
                    from_default(param)
                ),
            );
        }
        (Expect::SetExcept(part), Deployed::Known(text, node, param)) if text.contains(part) => {
            out.add(
                &node,
                format!(
                    "{who} sets `{path}` to `{text}`{}: {what}",
                    from_default(param)
                ),
            );
        }
        (Expect::NoneOf(values), Deployed::Known(text, node, param)) if one_of(values, &text) => {
            out.add(
                &node,
                format!("{who} sets `{path}: {text}`{}: {what}", from_default(param)),
            );
        }
        _ => {}
    }
}

/// Checks every resource of the template against a rule's requirement table.
pub fn check_requirements(template: &Template<'_>, table: &[Requirement], out: &mut Findings) {
    let mut types: Vec<&str> = table.iter().flat_map(|r| r.types.iter().copied()).collect();
    types.sort_unstable();
    types.dedup();
    for resource in template.resources_of_types(&types) {
        for req in table.iter().filter(|r| r.types.contains(&resource.ty)) {
            check_one(template, &resource, req, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::derived_noun;

    #[test]
    fn nouns_from_types() {
        assert_eq!(
            derived_noun("AWS::ElastiCache::ReplicationGroup"),
            "replication group"
        );
        assert_eq!(
            derived_noun("AWS::EMR::SecurityConfiguration"),
            "security configuration"
        );
        assert_eq!(
            derived_noun("AWS::RDS::DBClusterParameterGroup"),
            "DB cluster parameter group"
        );
        assert_eq!(derived_noun("AWS::Glue::Job"), "job");
    }
}
