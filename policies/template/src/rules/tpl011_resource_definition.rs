use preflight_policy::prelude::*;

use crate::{anchor, suggest, walk};

declare_rule! {
    /// ## What it does
    /// Checks each entry of `Resources`: it is a mapping with a string `Type`; the type has
    /// a valid shape (`AWS::Service::Resource`, `Custom::Name`, `Alexa::ASK::Skill`); it
    /// uses only known resource attributes (`Type`, `Properties`, `DependsOn`, `Condition`,
    /// `Metadata`, `DeletionPolicy`, `UpdateReplacePolicy`, `CreationPolicy`, `UpdatePolicy`,
    /// `Version`, the undocumented but accepted `Description`, and SAM's `IgnoreGlobals`
    /// and `Connectors`); `Properties` is a mapping; `DeletionPolicy` and
    /// `UpdateReplacePolicy` have valid values. On SAM resources an unknown attribute is
    /// reported at low severity: the transform drops it silently (usually a property
    /// that was meant to go under `Properties`).
    ///
    /// A type with another prefix (such as `MongoDB::Atlas::Cluster`) is reported at low
    /// severity: it is valid only if that third-party or private extension is registered in
    /// the account and region.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Unrecognized resource types", "Invalid
    /// template resource property") before it creates or updates anything. A misspelt
    /// attribute such as `Propertes` or `DependOn` is an error, not a no-op.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Bucket:
    ///     Type: AWS::S3Bucket
    ///     Propertes:
    ///       BucketName: logs
    ///     DeletionPolicy: Keep
    /// ```
    ///
    /// ## Fix
    /// Correct the type, the attribute name or the policy value.
    pub struct ResourceDefinition {
        id: "TPL011",
        name: "resource-definition",
        title: "Resources have a valid Type and known attributes",
        severity: High,
        equivalents: { "cfn-lint": ["E3001", "E3006"] },
    }
}

const ATTRIBUTES: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "Metadata",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "CreationPolicy",
    "UpdatePolicy",
    "Version",
    "IgnoreGlobals",
    "Connectors",
    // Not documented, but CloudFormation accepts it (CodeStar templates use it).
    "Description",
];

impl Rule for ResourceDefinition {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        cx.template
            .section("Resources")
            .is_some_and(|r| r.is_object())
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let Some(resources) = cx.template.section("Resources") else {
            return;
        };
        for (id, node) in resources.entries() {
            // AWS::LanguageExtensions loops: `Fn::ForEach::Name: [...]`.
            if id.starts_with("Fn::ForEach::") {
                continue;
            }
            if !node.is_object() {
                anchor::at_key(
                    out,
                    &node,
                    id,
                    format!("resource `{id}` must be a mapping with a Type"),
                );
                continue;
            }
            // `Type: !Rain::Module ./vpc.yaml`: a module the preprocessor expands into
            // resources of its own (TPL020); its keys are the module's to judge.
            let module = node
                .value()
                .get("Type")
                .and_then(|t| t.as_object())
                .is_some_and(|m| {
                    m.len() == 1 && m.keys().all(|k| walk::is_preprocessor_function(k))
                });
            if module {
                continue;
            }
            check_type(out, id, &node);
            let sam = node
                .get("Type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.starts_with("AWS::Serverless::"));
            for (key, value) in node.entries() {
                if ATTRIBUTES.contains(&key) {
                    continue;
                }
                let hint = suggest::did_you_mean(key, ATTRIBUTES);
                if sam {
                    // The SAM transform drops unknown resource-level keys.
                    anchor::at_key(
                        out,
                        &value,
                        key,
                        format!(
                            "resource `{id}` has unknown attribute `{key}`, which SAM ignores{hint}"
                        ),
                    )
                    .severity(Severity::Low);
                } else {
                    anchor::at_key(
                        out,
                        &value,
                        key,
                        format!("resource `{id}` has unknown attribute `{key}`{hint}"),
                    );
                }
            }
            if let Some(properties) = node.get("Properties")
                && !properties.is_object()
            {
                anchor::at_key(
                    out,
                    &properties,
                    "Properties",
                    format!("Properties of resource `{id}` must be a mapping"),
                );
            }
            for (attribute, allowed) in [
                (
                    "DeletionPolicy",
                    &["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"][..],
                ),
                ("UpdateReplacePolicy", &["Delete", "Retain", "Snapshot"][..]),
            ] {
                let Some(policy) = node.get(attribute) else {
                    continue;
                };
                if policy.is_intrinsic() {
                    continue;
                }
                if !policy.as_str().is_some_and(|p| allowed.contains(&p)) {
                    anchor::value(
                        out,
                        &policy,
                        format!(
                            "{attribute} of resource `{id}` must be one of {}",
                            allowed.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

fn check_type(out: &mut Findings, id: &str, node: &Node) {
    let Some(ty_node) = node.get("Type") else {
        anchor::at_key(out, node, id, format!("resource `{id}` has no Type"));
        return;
    };
    let Some(ty) = ty_node.as_str() else {
        out.add(
            &ty_node,
            format!("Type of resource `{id}` must be a string"),
        )
        .highlight("Type");
        return;
    };
    let parts: Vec<&str> = ty.split("::").collect();
    let word = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric());
    let problem = if ty.trim() != ty || ty.contains(char::is_whitespace) {
        Some(format!("resource type `{ty}` contains spaces"))
    } else if parts[0] == "AWS" || parts[0] == "Alexa" {
        (parts.len() != 3 || !parts.iter().all(|p| word(p))).then(|| {
            format!(
                "resource type `{ty}` is not of the form {}::Service::Resource",
                parts[0]
            )
        })
    } else if parts[0] == "Custom" {
        let name_ok = parts.len() == 2
            && !parts[1].is_empty()
            && parts[1].len() <= 60
            && parts[1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '-'));
        (!name_ok).then(|| {
            format!(
                "custom resource type `{ty}` must be Custom:: and a name of up to 60 letters, digits, _, @ or -"
            )
        })
    } else if (parts.len() == 3 || (parts.len() == 4 && parts[3] == "MODULE"))
        && parts.iter().all(|p| word(p))
    {
        let finding = anchor::value(
            out,
            &ty_node,
            format!(
                "resource type `{ty}` is not an AWS, Custom:: or Alexa:: type, so it must be a third-party or private extension registered in the account"
            ),
        );
        finding.severity(Severity::Low);
        None
    } else {
        Some(format!(
            "resource type `{ty}` is not of the form AWS::Service::Resource or Custom::Name"
        ))
    };
    if let Some(message) = problem {
        anchor::value(out, &ty_node, message);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL011", "tests/fixtures/tpl011.yaml"));
    }
}
