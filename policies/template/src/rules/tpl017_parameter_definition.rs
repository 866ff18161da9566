use preflight_policy::prelude::*;
use serde_json::Value;

use crate::{anchor, suggest};

declare_rule! {
    /// ## What it does
    /// Checks each parameter's definition: it is a mapping with a valid `Type` (`String`,
    /// `Number`, `List<Number>`, `CommaDelimitedList`, an AWS-specific type such as
    /// `AWS::EC2::VPC::Id` or `List<AWS::EC2::Subnet::Id>`, or an
    /// `AWS::SSM::Parameter::Value<...>` type); it uses only known keys; and its `Default`
    /// satisfies its own constraints: `AllowedValues`, `MinLength` / `MaxLength`, and for
    /// numbers `MinValue` / `MaxValue` (each item of a list type is checked).
    ///
    /// ## Why is this bad?
    /// An unknown type or key is rejected outright. A default that breaks its own
    /// constraints fails every deployment that does not override it ("Parameter X must be
    /// one of AllowedValues").
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
    ///   Stage:
    ///     Type: string
    ///     Default: production
    ///     AllowedValues: [dev, prod]
    /// ```
    ///
    /// ## Fix
    /// Correct the type or key, and make the default one of the allowed values.
    pub struct ParameterDefinition {
        id: "TPL017",
        name: "parameter-definition",
        title: "Parameters have a valid Type and a Default within their constraints",
        severity: High,
        equivalents: { "cfn-lint": ["E2001", "E2002", "E2015"] },
    }
}

const KEYS: &[&str] = &[
    "Type",
    "Default",
    "AllowedValues",
    "AllowedPattern",
    "ConstraintDescription",
    "Description",
    "MaxLength",
    "MaxValue",
    "MinLength",
    "MinValue",
    "NoEcho",
];

const AWS_TYPES: &[&str] = &[
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
];

/// Whether `ty` is a parameter type CloudFormation knows.
fn valid_type(ty: &str) -> bool {
    let plain = |t: &str| matches!(t, "String" | "Number" | "CommaDelimitedList");
    let listed = |t: &str| {
        t.strip_prefix("List<")
            .and_then(|t| t.strip_suffix('>'))
            .is_some_and(|inner| inner == "Number" || AWS_TYPES.contains(&inner))
    };
    if plain(ty) || AWS_TYPES.contains(&ty) || listed(ty) {
        return true;
    }
    if ty == "AWS::SSM::Parameter::Name" {
        return true;
    }
    ty.strip_prefix("AWS::SSM::Parameter::Value<")
        .and_then(|t| t.strip_suffix('>'))
        .is_some_and(|inner| {
            matches!(inner, "String" | "List<String>" | "CommaDelimitedList")
                || AWS_TYPES.contains(&inner)
                || listed(inner)
        })
}

impl Rule for ParameterDefinition {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        !cx.template.parameters().is_empty()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (name, p) in cx.template.parameters() {
            if !p.is_object() {
                anchor::at_key(
                    out,
                    &p,
                    name,
                    format!("parameter `{name}` must be a mapping with a Type"),
                );
                continue;
            }
            for (key, value) in p.entries() {
                if !KEYS.contains(&key) {
                    let hint = suggest::did_you_mean(key, KEYS);
                    anchor::at_key(
                        out,
                        &value,
                        key,
                        format!("parameter `{name}` has unknown key `{key}`{hint}"),
                    );
                }
            }
            let ty = match p.get("Type") {
                None => {
                    anchor::at_key(out, &p, name, format!("parameter `{name}` has no Type"));
                    continue;
                }
                Some(ty) => match ty.as_str() {
                    Some(t) if valid_type(t) => t,
                    _ => {
                        let shown = ty
                            .as_str()
                            .map_or_else(|| ty.value().to_string(), str::to_string);
                        let hint = ty.as_str().map_or_else(String::new, |t| {
                            suggest::did_you_mean(t, &["String", "Number", "CommaDelimitedList"])
                        });
                        anchor::value(
                            out,
                            &ty,
                            format!("parameter `{name}` has unknown Type `{shown}`{hint}"),
                        );
                        continue;
                    }
                },
            };
            if let Some(default) = p.get("Default") {
                check_default(out, name, &p, &default, ty);
            }
        }
    }
}

/// The text CloudFormation compares: strings as written, numbers and booleans as text.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn check_default(out: &mut Findings, name: &str, p: &Node, default: &Node, ty: &str) {
    let Some(whole) = text(default.value()) else {
        anchor::at_key(
            out,
            default,
            "Default",
            format!("Default of parameter `{name}` must be a string or number"),
        );
        return;
    };
    let is_list = ty.starts_with("List<") || ty == "CommaDelimitedList" || ty.contains("<List<");
    let values: Vec<String> = if is_list {
        whole.split(',').map(|s| s.trim().to_string()).collect()
    } else {
        vec![whole.clone()]
    };
    let number = ty == "Number" || ty == "List<Number>";
    let bound = |key: &str| {
        p.get(key)
            .and_then(|n| n.as_i64().map(|i| i as f64).or(n.value().as_f64()))
    };
    let problem = |v: &str| -> Option<String> {
        if let Some(allowed) = p
            .get("AllowedValues")
            .and_then(|a| a.value().as_array().cloned())
        {
            let allowed: Vec<String> = allowed.iter().filter_map(text).collect();
            if !allowed.iter().any(|a| a == v) {
                return Some("is not one of its AllowedValues".to_string());
            }
        }
        if number {
            let Ok(n) = v.parse::<f64>() else {
                return Some("is not a number".to_string());
            };
            if let Some(min) = bound("MinValue")
                && n < min
            {
                return Some(format!("is less than its MinValue {min}"));
            }
            if let Some(max) = bound("MaxValue")
                && n > max
            {
                return Some(format!("is more than its MaxValue {max}"));
            }
        } else {
            let len = v.chars().count() as f64;
            if let Some(min) = bound("MinLength")
                && len < min
            {
                return Some(format!("is shorter than its MinLength {min}"));
            }
            if let Some(max) = bound("MaxLength")
                && len > max
            {
                return Some(format!("is longer than its MaxLength {max}"));
            }
        }
        None
    };
    let Some((v, why)) = values.iter().find_map(|v| problem(v).map(|why| (v, why))) else {
        return;
    };
    let message = if is_list {
        format!("item `{v}` of the Default of parameter `{name}` {why}")
    } else {
        format!("Default `{v}` of parameter `{name}` {why}")
    };
    anchor::value(out, default, message).severity(Severity::Medium);
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL017", "tests/fixtures/tpl017.yaml"));
    }
}
