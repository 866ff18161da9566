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
    /// `Fn::Transform` include, may add the references. With `AWS::LanguageExtensions`
    /// the template is judged expanded, where the references a loop's collection or an
    /// intrinsic `DeletionPolicy` made are gone: list parameters, and parameters whose
    /// default is a resource's `DeletionPolicy` or `UpdateReplacePolicy`, are not judged.
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
        !cx.template.parameters().is_empty() && !sam::has_foreign_transforms(cx)
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
        // Consumed by the loader's expansion of the language extensions.
        let expanded = sam::has_language_extensions(&t);
        let policies: HashSet<&str> = t
            .resources()
            .flat_map(|r| {
                ["DeletionPolicy", "UpdateReplacePolicy"]
                    .into_iter()
                    .filter_map(move |a| r.attribute(a).and_then(|n| n.value().as_str()))
            })
            .collect();
        let consumed = |node: &Node| {
            let ty = node
                .value()
                .get("Type")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let default = node.value().get("Default").and_then(|v| v.as_str());
            ty == "CommaDelimitedList"
                || ty.contains("List<")
                || default.is_some_and(|d| policies.contains(d))
        };
        for (name, node) in t.parameters() {
            if expanded && consumed(&node) {
                continue;
            }
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
