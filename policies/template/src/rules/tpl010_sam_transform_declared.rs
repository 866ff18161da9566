use preflight_policy::prelude::*;

use crate::anchor;

declare_rule! {
    /// ## What it does
    /// Checks that a template with SAM resources (`AWS::Serverless::*`) or a `Globals`
    /// section declares the SAM transform, `Transform: AWS::Serverless-2016-10-31`.
    ///
    /// ## Why is this bad?
    /// Without the transform CloudFormation does not know the SAM resource types and
    /// rejects the template ("Unrecognized resource types"), or fails on the unknown
    /// `Globals` section.
    ///
    /// ## Example
    /// ```yaml
    /// AWSTemplateFormatVersion: "2010-09-09"
    /// Resources:
    ///   Handler:
    ///     Type: AWS::Serverless::Function
    /// ```
    ///
    /// ## Fix
    /// Add `Transform: AWS::Serverless-2016-10-31` (or add it to the `Transform` list).
    pub struct SamTransformDeclared {
        id: "TPL010",
        name: "sam-transform-declared",
        title: "Templates with SAM resources declare the SAM transform",
        severity: High,
        equivalents: { "cfn-lint": ["E3038"] },
    }
}

impl Rule for SamTransformDeclared {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        cx.template.section("Globals").is_some() || cx.template.resources().any(|r| r.is_sam())
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        if t.is_sam() {
            return;
        }
        if let Some(globals) = t.section("Globals") {
            out.add(
                &globals,
                "Globals needs the AWS::Serverless-2016-10-31 transform, which the template does not declare",
            )
            .highlight("Globals");
        }
        for r in t.resources().filter(|r| r.is_sam()) {
            let ty = r.attribute("Type").expect("SAM resources have a Type");
            anchor::value(
                out,
                &ty,
                format!(
                    "resource `{}` has the SAM type {}, but the template does not declare the AWS::Serverless-2016-10-31 transform",
                    r.id, r.ty
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL010", "tests/fixtures/tpl010.yaml"));
    }

    #[test]
    fn transform_in_a_list_passes() {
        insta::assert_snapshot!(render_rule("TPL010", "tests/fixtures/tpl010_list.yaml"));
    }
}
