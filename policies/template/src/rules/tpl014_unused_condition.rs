use std::collections::{HashMap, HashSet};

use preflight_policy::prelude::*;

use crate::{anchor, sam, walk};

declare_rule! {
    /// ## What it does
    /// Checks that every declared condition is used: by the `Condition` attribute of a
    /// resource or output, by `Fn::If`, or by `{"Condition": Name}` in another condition
    /// that is itself used. The rule does not apply when a macro other than SAM or
    /// `AWS::LanguageExtensions`, or an `Fn::Transform` include, may add the uses.
    ///
    /// ## Why is this bad?
    /// An unused condition is dead logic: whoever reads the template assumes it controls
    /// something. It is usually a leftover, or a sign that a `Condition:` line was lost.
    ///
    /// ## Example
    /// ```yaml
    /// Conditions:
    ///   IsProd: !Equals [!Ref Stage, prod]
    /// Resources:
    ///   Alarm:
    ///     Type: AWS::CloudWatch::Alarm
    /// ```
    ///
    /// ## Fix
    /// Use the condition where it was meant to apply, or remove it.
    pub struct UnusedCondition {
        id: "TPL014",
        name: "unused-condition",
        title: "Declared conditions are used",
        severity: Low,
        equivalents: { "cfn-lint": ["W8001"] },
    }
}

impl Rule for UnusedCondition {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        !cx.template.conditions().is_empty() && !sam::has_foreign_transforms(cx)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        // Uses outside Conditions are roots; uses inside a condition count only once that
        // condition is used, so follow them from the roots.
        let mut used: HashSet<&str> = HashSet::new();
        let mut pending: Vec<&str> = Vec::new();
        for r in t.resources() {
            pending.extend(r.attribute("Condition").and_then(|c| c.as_str()));
        }
        for (_, output) in t.outputs() {
            pending.extend(output.get("Condition").and_then(|c| c.as_str()));
        }
        for (key, section) in t.root().entries() {
            if key != "Conditions" {
                pending.extend(condition_names(section));
            }
        }
        let declared = t.conditions();
        let bodies: HashMap<&str, &Node> = declared.iter().map(|(n, body)| (*n, body)).collect();
        while let Some(name) = pending.pop() {
            if !used.insert(name) {
                continue;
            }
            if let Some(body) = bodies.get(name) {
                pending.extend(condition_names((*body).clone()));
            }
        }
        for (name, node) in &declared {
            if !used.contains(name) {
                anchor::at_key(
                    out,
                    node,
                    name,
                    format!("condition `{name}` is declared but never used"),
                );
            }
        }
    }
}

/// The condition names used under `root` by `Fn::If` and `{"Condition": Name}`.
fn condition_names(root: Node<'_>) -> Vec<&str> {
    let mut names = Vec::new();
    for node in walk::nodes(root) {
        match node.intrinsic() {
            Some(Intrinsic::Condition(name)) => names.push(name),
            Some(Intrinsic::Other {
                name: "Fn::If",
                args,
            }) => {
                names.extend(args.get(0).and_then(|a| a.as_str()));
            }
            _ => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL014", "tests/fixtures/tpl014.yaml"));
    }
}
