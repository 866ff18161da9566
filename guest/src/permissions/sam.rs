//! The role SAM generates for `AWS::Serverless::Function` and
//! `AWS::Serverless::StateMachine`: its trust policy, `Policies` (inline statements,
//! managed policy names and ARNs, policy templates), permissions boundary, and what SAM
//! adds by itself.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::template::Resource;

use super::iam::{At, Holder, normalise_policy_arn, read_document, read_statement, unknown};
use super::render::{Alt, add_branch, alternatives, child, intrinsic, is_no_value, render};
use super::{
    Boundary, Branch, Effect, Element, ManagedPolicy, Model, Origin, PolicyKind, Statement,
    Targets, sym, sym_arn,
};

const POLICY_TEMPLATES: &str = include_str!("../../data/sam_policy_templates.json");
const MANAGED_POLICIES: &str = include_str!("../../data/sam_managed_policies.json");

fn templates() -> &'static Map<String, Value> {
    static TABLE: OnceLock<Map<String, Value>> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str::<Value>(POLICY_TEMPLATES)
            .ok()
            .and_then(|v| v.get("templates").and_then(Value::as_object).cloned())
            .unwrap_or_default()
    })
}

fn managed() -> &'static HashMap<String, String> {
    static TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut out = HashMap::new();
        let data: Value = serde_json::from_str(MANAGED_POLICIES).unwrap_or_default();
        for (path, names) in data
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for name in names
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                out.insert(name.to_string(), format!("{path}{name}"));
            }
        }
        out
    })
}

/// A SAM policy template by name (e.g. `S3ReadPolicy`), as in aws-sam-translator's
/// table: `{"description", "parameters": [names], "statements": [...]}`, the statements
/// using `{"Ref": <parameter>}` where the caller's values go.
pub fn policy_template(name: &str) -> Option<&'static Value> {
    templates().get(name)
}

/// The names of all SAM policy templates, sorted.
pub fn policy_template_names() -> impl Iterator<Item = &'static str> {
    templates().keys().map(String::as_str)
}

/// The ARN SAM uses for an AWS managed policy name in `Policies` (e.g.
/// `AWSLambdaBasicExecutionRole` →
/// `arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`),
/// or `None` when SAM does not know the name.
pub fn managed_policy_arn(name: &str) -> Option<String> {
    managed()
        .get(name)
        .map(|path| format!("arn:${{AWS::Partition}}:iam::aws:policy/{path}"))
}

fn aws_policy(path: &str) -> String {
    format!("arn:${{AWS::Partition}}:iam::aws:policy/{path}")
}

/// Event source types for which SAM attaches a managed policy to the function's role.
const EVENT_POLICIES: &[(&str, &str)] = &[
    ("SQS", "service-role/AWSLambdaSQSQueueExecutionRole"),
    ("Kinesis", "service-role/AWSLambdaKinesisExecutionRole"),
    ("DynamoDB", "service-role/AWSLambdaDynamoDBExecutionRole"),
    ("MSK", "service-role/AWSLambdaMSKExecutionRole"),
];

pub(crate) fn collect(resource: &Resource<'_>, model: &mut Model) {
    let (service, is_function) = match resource.ty {
        "AWS::Serverless::Function" => ("lambda.amazonaws.com", true),
        "AWS::Serverless::StateMachine" => ("states.amazonaws.com", false),
        _ => return,
    };
    for when in generated_role_guards(resource) {
        generated_role(resource, service, is_function, &when, model);
    }
}

/// The guards under which SAM generates a role: always when `Role` is absent; under
/// the branch of an `Fn::If` whose value is `AWS::NoValue`; never otherwise.
fn generated_role_guards(resource: &Resource<'_>) -> Vec<Vec<Branch>> {
    let Some(role) = resource.property("Role") else {
        return vec![Vec::new()];
    };
    let role = role.value();
    if is_no_value(role) {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    if let Some(("Fn::If", Value::Array(args))) = role.as_object().and_then(intrinsic)
        && args.len() == 3
    {
        let condition = render(&args[0]);
        for (index, taken) in [(1, true), (2, false)] {
            if is_no_value(&args[index]) {
                let mut when = Vec::new();
                add_branch(&mut when, &condition, taken);
                out.push(when);
            }
        }
    }
    out
}

fn generated_role(
    resource: &Resource<'_>,
    service: &str,
    is_function: bool,
    when: &[Branch],
    model: &mut Model,
) {
    let id = resource.id;
    let ty = resource.ty;
    let role_id = format!("{id}Role");
    let identity = sym(&role_id);
    let holder = |kind, origin, applies_to| Holder {
        kind,
        owner: id,
        owner_type: ty,
        origin,
        applies_to,
    };
    let here = resource.node.pointer().to_string();

    // Trust policy.
    match resource.property("AssumeRolePolicyDocument") {
        Some(doc) if !is_no_value(doc.value()) => {
            let h = holder(
                PolicyKind::Trust,
                Origin::Document {
                    property: "AssumeRolePolicyDocument".into(),
                    name: None,
                },
                vec![sym_arn(&role_id)],
            );
            read_document(
                &h,
                doc.value(),
                doc.pointer(),
                when,
                At::Nodes,
                &mut model.statements,
            );
        }
        _ => {
            let h = holder(
                PolicyKind::Trust,
                Origin::SamImplicit {
                    reason: "default trust policy of the role SAM generates".into(),
                },
                vec![sym_arn(&role_id)],
            );
            model.statements.push(simple(
                &h,
                &["sts:AssumeRole"],
                &[],
                &[&format!("Service:{service}")],
                &here,
                when,
            ));
        }
    }

    // Managed policies SAM attaches by itself.
    let mut implicit = |arn: String, pointer: &str| {
        model.managed_policies.push(ManagedPolicy {
            owner: id.to_string(),
            owner_type: ty.to_string(),
            identity: identity.clone(),
            arn,
            pointer: pointer.to_string(),
            when: when.to_vec(),
            implicit: true,
        });
    };
    if is_function {
        match resource.property("DurableConfig") {
            Some(d) if !is_no_value(d.value()) => implicit(
                aws_policy("service-role/AWSLambdaBasicDurableExecutionRolePolicy"),
                d.pointer(),
            ),
            _ => implicit(
                aws_policy("service-role/AWSLambdaBasicExecutionRole"),
                &here,
            ),
        }
        if let Some(t) = resource.property("Tracing")
            && !is_no_value(t.value())
            && t.as_str() != Some("Disabled")
        {
            implicit(aws_policy("AWSXrayWriteOnlyAccess"), t.pointer());
        }
        if let Some(v) = resource.property("VpcConfig")
            && !is_no_value(v.value())
        {
            implicit(
                aws_policy("service-role/AWSLambdaVPCAccessExecutionRole"),
                v.pointer(),
            );
        }
        if let Some(events) = resource.property("Events") {
            for (_, event) in events.entries() {
                let kind = event.get("Type").and_then(|t| t.as_str());
                if let Some((_, path)) = EVENT_POLICIES.iter().find(|(k, _)| Some(*k) == kind) {
                    implicit(aws_policy(path), event.pointer());
                }
            }
        }
        if let Some(dlq) = resource.property("DeadLetterQueue")
            && let Some(target) = dlq.get("TargetArn")
        {
            let action = match dlq.get("Type").and_then(|t| t.as_str()) {
                Some("SNS") => "sns:Publish",
                _ => "sqs:SendMessage",
            };
            let h = holder(
                PolicyKind::Identity,
                Origin::SamImplicit {
                    reason: "DeadLetterQueue".into(),
                },
                vec![identity.clone()],
            );
            let resource = render(target.value());
            model.statements.push(simple(
                &h,
                &[action],
                &[&resource],
                &[],
                dlq.pointer(),
                when,
            ));
        }
    }

    // Policies.
    if let Some(policies) = resource.property("Policies") {
        for outer in alternatives(policies.value(), policies.pointer(), when) {
            let entries: Vec<(usize, Alt<'_>)> = match outer.value {
                Value::Array(list) => list
                    .iter()
                    .enumerate()
                    .flat_map(|(i, item)| {
                        alternatives(item, &format!("{}/{i}", outer.pointer), &outer.when)
                            .into_iter()
                            .map(move |a| (i, a))
                    })
                    .collect(),
                _ => vec![(0, outer.clone())],
            };
            for (index, entry) in entries {
                policy_entry(resource, &identity, index, &entry, model);
            }
        }
    }

    // Permissions boundary.
    if let Some(b) = resource.property("PermissionsBoundary") {
        for alt in alternatives(b.value(), b.pointer(), when) {
            model.boundaries.push(Boundary {
                owner: id.to_string(),
                owner_type: ty.to_string(),
                identity: identity.clone(),
                policy: normalise_policy_arn(&render(alt.value)),
                pointer: alt.pointer,
                when: alt.when,
            });
        }
    }
}

/// One entry of SAM `Policies`.
fn policy_entry(
    resource: &Resource<'_>,
    identity: &str,
    index: usize,
    entry: &Alt<'_>,
    model: &mut Model,
) {
    let id = resource.id;
    let ty = resource.ty;
    let managed = |arn: String, model: &mut Model| {
        // SAM attaches a policy once, even when `Policies` names one it adds by itself;
        // keep the entry the template writes.
        if let Some(existing) = model.managed_policies.iter_mut().find(|p| {
            p.implicit
                && p.owner == id
                && p.identity == identity
                && p.arn == arn
                && p.when == entry.when
        }) {
            existing.implicit = false;
            existing.pointer = entry.pointer.clone();
            return;
        }
        model.managed_policies.push(ManagedPolicy {
            owner: id.to_string(),
            owner_type: ty.to_string(),
            identity: identity.to_string(),
            arn,
            pointer: entry.pointer.clone(),
            when: entry.when.clone(),
            implicit: false,
        });
    };
    match entry.value {
        Value::String(name) => {
            let arn = managed_policy_arn(name).unwrap_or_else(|| normalise_policy_arn(name));
            managed(arn, model);
        }
        Value::Object(map) if intrinsic(map).is_some() => {
            managed(normalise_policy_arn(&render(entry.value)), model);
        }
        Value::Object(map) if map.contains_key("Statement") => {
            let h = Holder {
                kind: PolicyKind::Identity,
                owner: id,
                owner_type: ty,
                origin: Origin::SamInline { index },
                applies_to: vec![identity.to_string()],
            };
            read_document(
                &h,
                entry.value,
                &entry.pointer,
                &entry.when,
                At::Nodes,
                &mut model.statements,
            );
        }
        Value::Object(map) if map.len() == 1 => {
            let Some((name, args)) = map.iter().next() else {
                return;
            };
            let pointer = child(&entry.pointer, name);
            let h = Holder {
                kind: PolicyKind::Identity,
                owner: id,
                owner_type: ty,
                origin: Origin::SamTemplate { name: name.clone() },
                applies_to: vec![identity.to_string()],
            };
            match policy_template(name) {
                Some(template) => {
                    let params: Vec<&str> = template
                        .get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    let args = args.as_object();
                    for statement in template
                        .get("statements")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let statement = substitute(statement, &params, args, 0);
                        let alt = Alt {
                            value: &statement,
                            pointer: pointer.clone(),
                            when: entry.when.clone(),
                        };
                        read_statement(&h, &alt, At::Fixed(&pointer), &mut model.statements);
                    }
                }
                None => model.statements.push(unknown(
                    &h,
                    entry.value,
                    entry.pointer.clone(),
                    entry.when.clone(),
                )),
            }
        }
        _ => {
            let h = Holder {
                kind: PolicyKind::Identity,
                owner: id,
                owner_type: ty,
                origin: Origin::SamInline { index },
                applies_to: vec![identity.to_string()],
            };
            model.statements.push(unknown(
                &h,
                entry.value,
                entry.pointer.clone(),
                entry.when.clone(),
            ));
        }
    }
}

/// Replaces `{"Ref": <parameter>}` in a policy template's statement with the caller's
/// value. The templates are our own data and shallow; `depth` only guards the bound.
fn substitute(
    value: &Value,
    params: &[&str],
    args: Option<&Map<String, Value>>,
    depth: usize,
) -> Value {
    if depth > 16 {
        return value.clone();
    }
    match value {
        Value::Object(map) => {
            if let Some(("Ref", Value::String(name))) = intrinsic(map)
                && params.contains(&name.as_str())
                && let Some(arg) = args.and_then(|a| a.get(name))
            {
                return arg.clone();
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), substitute(v, params, args, depth + 1)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, params, args, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A statement SAM writes itself.
fn simple(
    holder: &Holder<'_>,
    actions: &[&str],
    resources: &[&str],
    principals: &[&str],
    pointer: &str,
    when: &[Branch],
) -> Statement {
    let elements = |values: &[&str]| Targets {
        not: false,
        values: values
            .iter()
            .map(|v| Element {
                value: v.to_string(),
                pointer: pointer.to_string(),
                when: Vec::new(),
            })
            .collect(),
    };
    Statement {
        kind: holder.kind,
        owner: holder.owner.to_string(),
        owner_type: holder.owner_type.to_string(),
        origin: holder.origin.clone(),
        applies_to: holder.applies_to.clone(),
        sid: None,
        effect: Effect::Allow,
        actions: elements(actions),
        resources: elements(resources),
        principals: elements(principals),
        conditions: Vec::new(),
        when: when.to_vec(),
        pointer: pointer.to_string(),
        raw: None,
    }
}
