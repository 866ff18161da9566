//! Policy documents and statements; IAM identities; resource policies; Lambda
//! permissions.

use serde_json::Value;

use crate::template::Resource;

use super::render::{Alt, alternatives, child, intrinsic, is_no_value, items, render};
use super::{
    Boundary, Branch, Condition, Effect, Element, ManagedPolicy, Membership, Model, Origin,
    PolicyKind, Statement, Targets, sym, sym_arn,
};

/// What every statement read from one document shares.
#[derive(Debug, Clone)]
pub(crate) struct Holder<'a> {
    pub kind: PolicyKind,
    pub owner: &'a str,
    pub owner_type: &'a str,
    pub origin: Origin,
    pub applies_to: Vec<String>,
}

/// Where element pointers come from: the nodes themselves, or one fixed pointer for
/// statements that are not in the template as such (JSON strings, SAM expansions).
#[derive(Debug, Clone, Copy)]
pub(crate) enum At<'p> {
    Nodes,
    Fixed(&'p str),
}

impl At<'_> {
    fn pick(&self, pointer: String) -> String {
        match self {
            At::Nodes => pointer,
            At::Fixed(p) => p.to_string(),
        }
    }
}

/// Most alternatives one statement expands to (over `Fn::If` in `Effect` and
/// `Condition`).
const MAX_VARIANTS: usize = 64;

/// Reads a policy document (a mapping with `Statement`; JSON text holding one, as a
/// string or built with `Fn::Sub`/`Fn::Join`; or an `Fn::If` over these) into
/// statements. Anything else becomes one unreadable statement.
pub(crate) fn read_document(
    holder: &Holder<'_>,
    value: &Value,
    pointer: &str,
    when: &[Branch],
    at: At<'_>,
    out: &mut Vec<Statement>,
) {
    for alt in alternatives(value, pointer, when) {
        match alt.value {
            Value::Object(map) if intrinsic(map).is_none() && map.contains_key("Statement") => {
                read_statements(holder, alt.value, &alt.pointer, &alt.when, at, out);
            }
            other => match document_text(other).as_deref().and_then(parse_document) {
                Some(doc) => {
                    let fixed = at.pick(alt.pointer.clone());
                    read_statements(
                        holder,
                        &doc,
                        &alt.pointer,
                        &alt.when,
                        At::Fixed(&fixed),
                        out,
                    );
                }
                None => out.push(unknown(holder, alt.value, at.pick(alt.pointer), alt.when)),
            },
        }
    }
}

/// The text of a document given as a JSON string, or built with `Fn::Sub` or
/// `Fn::Join` (rendered, placeholders kept symbolic).
pub(crate) fn document_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) => match intrinsic(map) {
            Some(("Fn::Sub" | "Fn::Join", _)) => Some(render(value)),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a value is JSON text (a string, or `Fn::Sub`/`Fn::Join` building one) that
/// is not a policy document: some `...Policy` properties hold other JSON.
pub(crate) fn is_other_json(value: &Value) -> bool {
    document_text(value).is_some_and(|text| {
        parse_document(&text).is_none()
            && serde_json::from_str::<Value>(&text).is_ok_and(|v| v.is_object() || v.is_array())
    })
}

/// A policy document given as JSON text (some properties take one).
pub(crate) fn parse_document(text: &str) -> Option<Value> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return None;
    }
    let doc: Value = serde_json::from_str(text).ok()?;
    doc.get("Statement").is_some().then_some(doc)
}

/// Whether a value is, or may be (through `Fn::If`), a policy document.
pub(crate) fn looks_like_document(value: &Value, pointer: &str) -> bool {
    alternatives(value, pointer, &[])
        .iter()
        .any(|alt| match alt.value {
            Value::Object(map) if intrinsic(map).is_none() => map.contains_key("Statement"),
            other => document_text(other)
                .as_deref()
                .and_then(parse_document)
                .is_some(),
        })
}

fn read_statements(
    holder: &Holder<'_>,
    doc: &Value,
    pointer: &str,
    when: &[Branch],
    at: At<'_>,
    out: &mut Vec<Statement>,
) {
    let Some(statements) = doc.get("Statement") else {
        return;
    };
    for alt in items(statements, &child(pointer, "Statement"), when) {
        read_statement(holder, &alt, at, out);
    }
}

/// Reads one statement node (already expanded for `Fn::If`).
pub(crate) fn read_statement(
    holder: &Holder<'_>,
    alt: &Alt<'_>,
    at: At<'_>,
    out: &mut Vec<Statement>,
) {
    let Some(map) = alt.value.as_object().filter(|m| intrinsic(m).is_none()) else {
        out.push(unknown(
            holder,
            alt.value,
            at.pick(alt.pointer.clone()),
            alt.when.clone(),
        ));
        return;
    };
    let p = &alt.pointer;
    let effects = match map.get("Effect") {
        Some(v) => alternatives(v, &child(p, "Effect"), &alt.when),
        None => vec![Alt {
            value: &Value::Null,
            pointer: child(p, "Effect"),
            when: alt.when.clone(),
        }],
    };
    let mut variants = Vec::new();
    for effect in &effects {
        match map.get("Condition") {
            Some(c) => {
                for cond in alternatives(c, &child(p, "Condition"), &effect.when) {
                    if variants.len() < MAX_VARIANTS {
                        variants.push((effect.value, Some(cond.value), cond.pointer, cond.when));
                    }
                }
            }
            None => variants.push((effect.value, None, String::new(), effect.when.clone())),
        }
    }
    for (effect, condition, cond_pointer, when) in variants {
        let effect = match effect.as_str() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            _ => Effect::Unknown,
        };
        let actions = targets(map, "Action", "NotAction", p, at, false);
        let resources = targets(map, "Resource", "NotResource", p, at, false);
        let principals = targets(map, "Principal", "NotPrincipal", p, at, true);
        let conditions = condition
            .map(|c| read_conditions(c, &cond_pointer, at))
            .unwrap_or_default();
        out.push(Statement {
            kind: holder.kind,
            owner: holder.owner.to_string(),
            owner_type: holder.owner_type.to_string(),
            origin: holder.origin.clone(),
            applies_to: holder.applies_to.clone(),
            sid: map.get("Sid").and_then(Value::as_str).map(str::to_string),
            effect,
            actions,
            resources,
            principals,
            conditions,
            when,
            pointer: at.pick(p.clone()),
            raw: None,
        });
    }
}

/// A statement that could not be read, kept as its rendering.
pub(crate) fn unknown(
    holder: &Holder<'_>,
    value: &Value,
    pointer: String,
    when: Vec<Branch>,
) -> Statement {
    Statement {
        kind: holder.kind,
        owner: holder.owner.to_string(),
        owner_type: holder.owner_type.to_string(),
        origin: holder.origin.clone(),
        applies_to: holder.applies_to.clone(),
        sid: None,
        effect: Effect::Unknown,
        actions: Targets::default(),
        resources: Targets::default(),
        principals: Targets::default(),
        conditions: Vec::new(),
        when,
        pointer,
        raw: Some(render(value)),
    }
}

fn targets(
    map: &serde_json::Map<String, Value>,
    positive: &str,
    negative: &str,
    pointer: &str,
    at: At<'_>,
    principal: bool,
) -> Targets {
    let present = |k: &str| map.get(k).filter(|v| !is_no_value(v));
    let (not, key, value) = match (present(negative), present(positive)) {
        (Some(v), _) => (true, negative, v),
        (None, Some(v)) => (false, positive, v),
        (None, None) => return Targets::default(),
    };
    let at_key = child(pointer, key);
    let values = if principal {
        principal_elements(value, &at_key, at)
    } else {
        items(value, &at_key, &[])
            .into_iter()
            .map(|alt| Element {
                value: render(alt.value),
                pointer: at.pick(alt.pointer),
                when: alt.when,
            })
            .collect()
    };
    let mut t = Targets { not, values };
    t.sort();
    t
}

/// `"*"`, `{"AWS": [...], "Service": ...}` or intrinsics, as `TYPE:value` elements.
pub(crate) fn principal_elements(value: &Value, pointer: &str, at: At<'_>) -> Vec<Element> {
    let mut out = Vec::new();
    for alt in alternatives(value, pointer, &[]) {
        match alt.value {
            Value::Object(map) if intrinsic(map).is_none() => {
                for (kind, v) in map {
                    for item in items(v, &child(&alt.pointer, kind), &alt.when) {
                        out.push(Element {
                            value: principal_value(kind, &render(item.value)),
                            pointer: at.pick(item.pointer),
                            when: item.when,
                        });
                    }
                }
            }
            Value::Array(_) => {
                for item in items(alt.value, &alt.pointer, &alt.when) {
                    out.push(Element {
                        value: bare_principal(&render(item.value)),
                        pointer: at.pick(item.pointer),
                        when: item.when,
                    });
                }
            }
            other => out.push(Element {
                value: bare_principal(&render(other)),
                pointer: at.pick(alt.pointer),
                when: alt.when,
            }),
        }
    }
    out
}

fn bare_principal(value: &str) -> String {
    if value == "*" {
        "AWS:*".to_string()
    } else {
        value.to_string()
    }
}

/// Normalises one principal of a type: `AWS:*`, an account id to its root ARN.
pub(crate) fn principal_value(kind: &str, value: &str) -> String {
    if kind == "AWS" && is_account_id(value) {
        format!("AWS:arn:aws:iam::{value}:root")
    } else {
        format!("{kind}:{value}")
    }
}

pub(crate) fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// A condition key with the global `aws:` prefix in lower case (`AWS:SourceArn` →
/// `aws:SourceArn`): IAM reads keys case-insensitively, and Lambda writes `AWS:`.
pub(crate) fn condition_key(key: &str) -> String {
    match key.split_once(':') {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("aws") && prefix != "aws" => {
            format!("aws:{rest}")
        }
        _ => key.to_string(),
    }
}

fn read_conditions(value: &Value, pointer: &str, at: At<'_>) -> Vec<Condition> {
    let mut out = Vec::new();
    match value {
        Value::Object(map) if intrinsic(map).is_none() => {
            for (operator, block) in map {
                let op_pointer = child(pointer, operator);
                match block {
                    Value::Object(keys) if intrinsic(keys).is_none() => {
                        for (key, values) in keys {
                            let key_pointer = child(&op_pointer, key);
                            let mut values: Vec<Element> = items(values, &key_pointer, &[])
                                .into_iter()
                                .map(|alt| Element {
                                    value: render(alt.value),
                                    pointer: at.pick(alt.pointer),
                                    when: alt.when,
                                })
                                .collect();
                            values.sort_by(|a, b| a.value.cmp(&b.value).then(a.when.cmp(&b.when)));
                            out.push(Condition {
                                operator: operator.clone(),
                                key: condition_key(key),
                                values,
                                pointer: at.pick(key_pointer),
                            });
                        }
                    }
                    other => out.push(Condition {
                        operator: operator.clone(),
                        key: String::new(),
                        values: vec![Element {
                            value: render(other),
                            pointer: at.pick(op_pointer.clone()),
                            when: Vec::new(),
                        }],
                        pointer: at.pick(op_pointer),
                    }),
                }
            }
        }
        Value::Null => {}
        other => out.push(Condition {
            operator: String::new(),
            key: String::new(),
            values: vec![Element {
                value: render(other),
                pointer: at.pick(pointer.to_string()),
                when: Vec::new(),
            }],
            pointer: at.pick(pointer.to_string()),
        }),
    }
    out.sort_by(|a, b| {
        (a.operator.as_str(), a.key.to_ascii_lowercase())
            .cmp(&(b.operator.as_str(), b.key.to_ascii_lowercase()))
    });
    out
}

/// Normalises a managed policy ARN: AWS managed policies get `${AWS::Partition}`.
pub(crate) fn normalise_policy_arn(arn: &str) -> String {
    for partition in [
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-eusc",
        "aws-iso",
        "aws-iso-b",
    ] {
        let prefix = format!("arn:{partition}:iam::aws:policy/");
        if let Some(rest) = arn.strip_prefix(&prefix) {
            return format!("arn:${{AWS::Partition}}:iam::aws:policy/{rest}");
        }
    }
    arn.to_string()
}

/// Collects IAM identities, resource policies and Lambda permissions.
pub(crate) fn collect(resource: &Resource<'_>, model: &mut Model) {
    let id = resource.id;
    let ty = resource.ty;
    let Some(props) = resource.properties() else {
        return;
    };
    let props_ptr = props.pointer().to_string();
    let prop = |name: &str| {
        props
            .value()
            .get(name)
            .filter(|v| !is_no_value(v))
            .map(|v| (v, child(&props_ptr, name)))
    };
    let holder = |kind, origin, applies_to| Holder {
        kind,
        owner: id,
        owner_type: ty,
        origin,
        applies_to,
    };
    match ty {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
            if ty == "AWS::IAM::Role"
                && let Some((doc, at)) = prop("AssumeRolePolicyDocument")
            {
                let h = holder(
                    PolicyKind::Trust,
                    Origin::Document {
                        property: "AssumeRolePolicyDocument".into(),
                        name: None,
                    },
                    vec![sym_arn(id)],
                );
                read_document(&h, doc, &at, &[], At::Nodes, &mut model.statements);
            }
            if let Some((list, at)) = prop("Policies") {
                inline_policies(id, ty, vec![sym(id)], list, &at, &mut model.statements);
            }
            if let Some((list, at)) = prop("ManagedPolicyArns") {
                for alt in items(list, &at, &[]) {
                    model.managed_policies.push(ManagedPolicy {
                        owner: id.to_string(),
                        owner_type: ty.to_string(),
                        identity: sym(id),
                        arn: normalise_policy_arn(&render(alt.value)),
                        pointer: alt.pointer,
                        when: alt.when,
                        implicit: false,
                    });
                }
            }
            if let Some((value, at)) = prop("PermissionsBoundary") {
                for alt in alternatives(value, &at, &[]) {
                    model.boundaries.push(Boundary {
                        owner: id.to_string(),
                        owner_type: ty.to_string(),
                        identity: sym(id),
                        policy: normalise_policy_arn(&render(alt.value)),
                        pointer: alt.pointer,
                        when: alt.when,
                    });
                }
            }
            if ty == "AWS::IAM::User"
                && let Some((groups, _)) = prop("Groups")
            {
                for alt in items(groups, &child(&props_ptr, "Groups"), &[]) {
                    model.memberships.push(Membership {
                        owner: id.to_string(),
                        user: sym(id),
                        group: render(alt.value),
                        pointer: alt.pointer,
                        when: alt.when,
                    });
                }
            }
        }
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            let mut applies_to = Vec::new();
            for key in ["Groups", "Users", "Roles"] {
                if let Some((list, at)) = prop(key) {
                    for alt in items(list, &at, &[]) {
                        applies_to.push(render(alt.value));
                    }
                }
            }
            if let Some((doc, at)) = prop("PolicyDocument") {
                let name = prop(if ty == "AWS::IAM::Policy" {
                    "PolicyName"
                } else {
                    "ManagedPolicyName"
                })
                .map(|(v, _)| render(v));
                let h = holder(
                    PolicyKind::Identity,
                    Origin::Document {
                        property: "PolicyDocument".into(),
                        name,
                    },
                    applies_to,
                );
                read_document(&h, doc, &at, &[], At::Nodes, &mut model.statements);
            }
        }
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            let target = match ty {
                "AWS::IAM::RolePolicy" => "RoleName",
                "AWS::IAM::UserPolicy" => "UserName",
                _ => "GroupName",
            };
            let applies_to = prop(target)
                .map(|(v, _)| vec![render(v)])
                .unwrap_or_default();
            if let Some((doc, at)) = prop("PolicyDocument") {
                let h = holder(
                    PolicyKind::Identity,
                    Origin::Document {
                        property: "PolicyDocument".into(),
                        name: prop("PolicyName").map(|(v, _)| render(v)),
                    },
                    applies_to,
                );
                read_document(&h, doc, &at, &[], At::Nodes, &mut model.statements);
            }
        }
        "AWS::IAM::UserToGroupAddition" => {
            let group = prop("GroupName")
                .map(|(v, _)| render(v))
                .unwrap_or_default();
            if let Some((users, at)) = prop("Users") {
                for alt in items(users, &at, &[]) {
                    model.memberships.push(Membership {
                        owner: id.to_string(),
                        user: render(alt.value),
                        group: group.clone(),
                        pointer: alt.pointer,
                        when: alt.when,
                    });
                }
            }
        }
        "AWS::Lambda::Permission" => lambda_permission(resource, &props_ptr, model),
        t if t.starts_with("AWS::Serverless::") || t == "AWS::SSO::PermissionSet" => {}
        _ => resource_policies(resource, &props_ptr, model),
    }
}

/// An IAM `Policies` list: `{PolicyName, PolicyDocument}` entries, any of which may be
/// an `Fn::If`.
pub(crate) fn inline_policies(
    id: &str,
    ty: &str,
    applies_to: Vec<String>,
    list: &Value,
    pointer: &str,
    out: &mut Vec<Statement>,
) {
    for alt in items(list, pointer, &[]) {
        let name = alt.value.get("PolicyName").map(render);
        let h = Holder {
            kind: PolicyKind::Identity,
            owner: id,
            owner_type: ty,
            origin: Origin::Document {
                property: "Policies".into(),
                name,
            },
            applies_to: applies_to.clone(),
        };
        match alt.value.get("PolicyDocument") {
            Some(doc)
                if alt
                    .value
                    .as_object()
                    .is_some_and(|m| intrinsic(m).is_none()) =>
            {
                read_document(
                    &h,
                    doc,
                    &child(&alt.pointer, "PolicyDocument"),
                    &alt.when,
                    At::Nodes,
                    out,
                );
            }
            _ => out.push(unknown(&h, alt.value, alt.pointer, alt.when)),
        }
    }
}

/// Resource types that are a resource policy for other resources, with the property
/// naming those resources and the one holding the document.
const POLICY_RESOURCES: &[(&str, &str, &str)] = &[
    ("AWS::S3::BucketPolicy", "Bucket", "PolicyDocument"),
    ("AWS::SQS::QueuePolicy", "Queues", "PolicyDocument"),
    ("AWS::SNS::TopicPolicy", "Topics", "PolicyDocument"),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "SecretId",
        "ResourcePolicy",
    ),
    ("AWS::S3Express::BucketPolicy", "Bucket", "PolicyDocument"),
    ("AWS::S3Outposts::BucketPolicy", "Bucket", "PolicyDocument"),
];

/// Policy-like properties that do not hold access policies.
const NOT_ACCESS_POLICIES: &[&str] = &[
    "DeliveryPolicy",
    "FilterPolicy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
];

/// Properties that hold a policy document even when written as an intrinsic.
const DOCUMENT_PROPERTIES: &[&str] = &["PolicyDocument", "KeyPolicy", "RepositoryPolicyText"];

fn resource_policies(resource: &Resource<'_>, props_ptr: &str, model: &mut Model) {
    let id = resource.id;
    let ty = resource.ty;
    let Some(props) = resource
        .properties()
        .and_then(|p| p.value().as_object().cloned())
    else {
        return;
    };
    let explicit = POLICY_RESOURCES.iter().find(|(t, _, _)| *t == ty);
    let policy_resource = explicit.is_some() || ty.ends_with("Policy");
    let is_policy_key = |k: &str| k.contains("Policy");
    let applies_to: Vec<String> = if policy_resource {
        // The property naming the resources: as declared, or as `cdk diff` guesses it
        // (the one property that is neither policy-like nor a name).
        let target = match explicit {
            Some((_, target, _)) => Some(target.to_string()),
            None => {
                let candidates: Vec<&String> = props
                    .keys()
                    .filter(|k| !is_policy_key(k) && !k.ends_with("Name"))
                    .collect();
                (candidates.len() == 1).then(|| candidates[0].clone())
            }
        };
        let found: Vec<String> = target
            .and_then(|t| props.get(&t).map(|v| (v, child(props_ptr, &t))))
            .map(|(v, at)| items(v, &at, &[]).iter().map(|a| render(a.value)).collect())
            .unwrap_or_default();
        if found.is_empty() {
            vec![sym(id)]
        } else {
            found
        }
    } else {
        vec![sym_arn(id)]
    };
    for (key, value) in &props {
        if is_no_value(value) || NOT_ACCESS_POLICIES.contains(&key.as_str()) {
            continue;
        }
        let policy_like = key.ends_with("Policy")
            || key.ends_with("PolicyDocument")
            || key.ends_with("PolicyText")
            || key.ends_with("Policies");
        let explicit_doc = explicit.is_some_and(|(_, _, doc)| doc == key);
        if !(policy_like || explicit_doc) {
            continue;
        }
        let at = child(props_ptr, key);
        let known = explicit_doc || DOCUMENT_PROPERTIES.contains(&key.as_str());
        // A known document property is read even when it is an intrinsic (an unreadable
        // statement then), unless it plainly holds something else.
        let read = looks_like_document(value, &at)
            || (known && !value.is_array() && !is_other_json(value));
        if !read {
            continue;
        }
        let h = Holder {
            kind: PolicyKind::Resource,
            owner: id,
            owner_type: ty,
            origin: Origin::Document {
                property: key.clone(),
                name: None,
            },
            applies_to: applies_to.clone(),
        };
        read_document(&h, value, &at, &[], At::Nodes, &mut model.statements);
    }
}

/// `AWS::Lambda::Permission`, as the statement Lambda adds to the function's policy.
fn lambda_permission(resource: &Resource<'_>, props_ptr: &str, model: &mut Model) {
    let Some(props) = resource.properties() else {
        return;
    };
    let p = props.value();
    let get = |k: &str| p.get(k).filter(|v| !is_no_value(v));
    let element = |v: &Value, key: &str| Element {
        value: render(v),
        pointer: child(props_ptr, key),
        when: Vec::new(),
    };
    // A property's value or list items (both `Fn::If` branches), rendered.
    let listed = |key: &str| -> Vec<Element> {
        get(key)
            .map(|v| {
                items(v, &child(props_ptr, key), &[])
                    .into_iter()
                    .map(|a| Element {
                        value: render(a.value),
                        pointer: a.pointer,
                        when: a.when,
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let function = listed("FunctionName");
    let actions = listed("Action");
    let mut principals = Vec::new();
    if let Some(v) = get("Principal") {
        for alt in alternatives(v, &child(props_ptr, "Principal"), &[]) {
            let s = render(alt.value);
            let value = if s == "*" {
                "AWS:*".to_string()
            } else if is_account_id(&s) {
                principal_value("AWS", &s)
            } else if s.starts_with("arn:") {
                format!("AWS:{s}")
            } else {
                format!("Service:{s}")
            };
            principals.push(Element {
                value,
                pointer: alt.pointer,
                when: alt.when,
            });
        }
    }
    let mut conditions = Vec::new();
    for (prop, operator, key) in [
        ("SourceArn", "ArnLike", "aws:SourceArn"),
        ("SourceAccount", "StringEquals", "aws:SourceAccount"),
        (
            "EventSourceToken",
            "StringEquals",
            "lambda:EventSourceToken",
        ),
        ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
        (
            "FunctionUrlAuthType",
            "StringEquals",
            "lambda:FunctionUrlAuthType",
        ),
    ] {
        if let Some(v) = get(prop) {
            conditions.push(Condition {
                operator: operator.to_string(),
                key: key.to_string(),
                values: vec![element(v, prop)],
                pointer: child(props_ptr, prop),
            });
        }
    }
    conditions.sort_by(|a, b| (&a.operator, &a.key).cmp(&(&b.operator, &b.key)));
    let applies_to = function.iter().map(|e| e.value.clone()).collect();
    let mut statement = Statement {
        kind: PolicyKind::Resource,
        owner: resource.id.to_string(),
        owner_type: resource.ty.to_string(),
        origin: Origin::LambdaPermission,
        applies_to,
        sid: None,
        effect: Effect::Allow,
        actions: Targets {
            not: false,
            values: actions,
        },
        resources: Targets {
            not: false,
            values: function,
        },
        principals: Targets {
            not: false,
            values: principals,
        },
        conditions,
        when: Vec::new(),
        pointer: props_ptr.to_string(),
        raw: None,
    };
    statement.actions.sort();
    statement.resources.sort();
    statement.principals.sort();
    model.statements.push(statement);
}
