use preflight_policy::prelude::*;
use preflight_policy::{PSEUDO_PARAMETERS, ReferenceKind, references};

use crate::sam;

declare_rule! {
    /// ## What it does
    /// Checks that every `Ref`, `Fn::GetAtt` and `Fn::Sub` placeholder names a parameter,
    /// a resource, a pseudo parameter, or a name the SAM transform generates (such as
    /// `MyFunctionRole` for a function without a `Role`, `MyApiProdStage`, the implicit
    /// `ServerlessRestApi` when an `Api` event needs it, or `MyFunction.Alias`).
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
        equivalents: { "cfn-lint": ["E1020", "E1010", "E1019"] },
    }
}

impl Rule for ReferenceTargetExists {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let known = |name: &str| {
            t.has_parameter(name)
                || t.has_resource(name)
                || PSEUDO_PARAMETERS.contains(&name)
                || sam::generated(&t, name)
        };
        for section in ["Resources", "Outputs", "Conditions", "Globals"] {
            let Some(node) = t.section(section) else {
                continue;
            };
            for r in references(node.value(), node.pointer()) {
                // GetAtt and ${A.B} need a resource; parameters have no attributes.
                let ok = match (r.kind, &r.attribute) {
                    (ReferenceKind::Ref, _) | (ReferenceKind::Sub, None) => known(&r.target),
                    _ => t.has_resource(&r.target) || sam::generated(&t, &r.target),
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
                        let why = sam::implicit_api_hint(&r.target)
                            .unwrap_or("which is not a parameter or resource");
                        format!("{how} names `{}`, {why}", r.target)
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

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL001", "tests/fixtures/tpl001.yaml"));
    }
}
