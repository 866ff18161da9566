use std::collections::HashSet;

use preflight_policy::prelude::*;
use preflight_policy::references;

use crate::sam;

declare_rule! {
    /// ## What it does
    /// Checks that every declared parameter is used: by `Ref` or a `Fn::Sub` placeholder
    /// anywhere in `Resources` (resource `Metadata` included), `Outputs`, `Conditions`,
    /// `Rules` or the SAM `Globals` section. The template-level `Metadata` section (such as
    /// `AWS::CloudFormation::Interface` parameter groups) does not count as a use. The
    /// rule does not apply when a macro other than SAM or `AWS::LanguageExtensions`, or an
    /// `Fn::Transform` include, may add the references.
    ///
    /// ## Why is this bad?
    /// An unused parameter is usually a leftover or a sign that a value was hard-coded
    /// where the parameter was meant to go; every deploy still has to supply it.
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
    ///   TableName:
    ///     Type: String
    /// Resources:
    ///   Table:
    ///     Type: AWS::DynamoDB::Table
    ///     Properties:
    ///       TableName: orders
    /// ```
    ///
    /// ## Fix
    /// Use the parameter where it was meant to go, or remove it.
    pub struct UnusedParameter {
        id: "TPL004",
        name: "unused-parameter",
        title: "Declared parameters are used",
        severity: Low,
        equivalents: { "cfn-lint": ["W2001"] },
    }
}

impl Rule for UnusedParameter {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        !cx.template.parameters().is_empty() && !sam::has_foreign_transforms(&cx.template)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let mut used: HashSet<String> = HashSet::new();
        for (key, node) in t.root().entries() {
            if matches!(key, "Parameters" | "Metadata") {
                continue;
            }
            used.extend(
                references(node.value(), node.pointer())
                    .into_iter()
                    .map(|r| r.target),
            );
        }
        for (name, node) in t.parameters() {
            if !used.contains(name) {
                out.add(
                    &node,
                    format!("parameter `{name}` is declared but never used"),
                )
                .highlight(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL004", "tests/fixtures/tpl004.yaml"));
    }
}
