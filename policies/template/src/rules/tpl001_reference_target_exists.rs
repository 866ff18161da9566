use preflight_policy::prelude::*;
use preflight_policy::{PSEUDO_PARAMETERS, ReferenceKind, references};

declare_rule! {
    /// ## What it does
    /// Checks that every `Ref`, `Fn::GetAtt` and `Fn::Sub` placeholder names a parameter,
    /// a resource, a pseudo parameter, or a name the SAM transform generates (such as
    /// `MyFunctionRole` for a function without a `Role`).
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the whole stack operation when a reference has no target,
    /// after the upload and often minutes into a pipeline.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Topic:
    ///     Type: AWS::SNS::Topic
    ///     Properties:
    ///       TopicName: !Sub "${Missing}-topic"
    /// ```
    ///
    /// ## Fix
    /// Declare the parameter or resource, or correct the name.
    pub struct ReferenceTargetExists {
        id: "TPL001",
        name: "reference-target-exists",
        title: "References name an existing parameter or resource",
        severity: High,
        equivalents: { "cfn-lint": ["E3005", "E1012", "E1019"] },
    }
}

impl Rule for ReferenceTargetExists {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let known = |name: &str| {
            t.has_parameter(name)
                || t.has_resource(name)
                || PSEUDO_PARAMETERS.contains(&name)
                || sam_generated(&t, name)
        };
        for section in ["Resources", "Outputs", "Conditions", "Globals"] {
            let Some(node) = t.section(section) else {
                continue;
            };
            for r in references(node.value(), node.pointer()) {
                // GetAtt and ${A.B} need a resource; parameters have no attributes.
                let ok = match (r.kind, &r.attribute) {
                    (ReferenceKind::Ref, _) | (ReferenceKind::Sub, None) => known(&r.target),
                    _ => t.has_resource(&r.target) || sam_generated(&t, &r.target),
                };
                if !ok {
                    let how = match r.kind {
                        ReferenceKind::Ref => "Ref",
                        ReferenceKind::GetAtt => "Fn::GetAtt",
                        ReferenceKind::Sub => "Fn::Sub",
                    };
                    let message = if t.has_parameter(&r.target) {
                        format!("{how} names parameter `{}`, but needs a resource", r.target)
                    } else {
                        format!(
                            "{how} names `{}`, which is not a parameter or resource",
                            r.target
                        )
                    };
                    let f = out.add_at(&r.pointer, message);
                    if let Some(h) = r.highlight {
                        f.highlight(h);
                    }
                }
            }
        }
    }
}

/// Logical ids that the SAM transform creates from a resource, so they may be referenced
/// before the transform: `<Function>Role`, `<Function>Alias<...>`, `<Api>Stage`, ...
fn sam_generated(t: &Template, name: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "Role",
        "Version",
        "Alias",
        "Stage",
        "Deployment",
        "Url",
        "UrlPublicPermissions",
        "ApiGatewayDomainName",
        "BasePathMapping",
        "Policy",
        "LogGroup",
        "DomainName",
        "Authorizer",
        "UsagePlan",
        "ApiKey",
        "Permission",
    ];
    if name == "ServerlessRestApi"
        || name == "ServerlessHttpApi"
        || name.starts_with("ServerlessRestApi")
        || name.starts_with("ServerlessHttpApi")
    {
        return t.is_sam();
    }
    t.resources().filter(|r| r.is_sam()).any(|r| {
        name.strip_prefix(r.id)
            .is_some_and(|rest| SUFFIXES.iter().any(|s| rest.starts_with(s)))
    })
}

#[cfg(test)]
mod tests {
    use preflight_policy::testing::run_file;

    use crate::TemplatePolicy;

    #[test]
    fn snapshot() {
        let outcome = run_file::<TemplatePolicy>("tests/fixtures/tpl001.yaml");
        insta::assert_snapshot!(outcome.render());
    }
}
