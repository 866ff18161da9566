use std::collections::HashSet;

use preflight_policy::prelude::*;

use crate::{anchor, walk};

declare_rule! {
    /// ## What it does
    /// Checks that every condition name used in the template is declared in `Conditions`:
    /// the `Condition` attribute of resources and outputs, the first argument of `Fn::If`,
    /// and `{"Condition": Name}` inside `Fn::And`, `Fn::Or`, `Fn::Not` and `Conditions`.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Unresolved Condition dependency") before it
    /// creates or updates anything.
    ///
    /// ## Example
    /// ```yaml
    /// Conditions:
    ///   IsProd: !Equals [!Ref Stage, prod]
    /// Resources:
    ///   Alarm:
    ///     Type: AWS::CloudWatch::Alarm
    ///     Condition: IsProduction
    /// ```
    ///
    /// ## Fix
    /// Declare the condition, or correct its name.
    pub struct ConditionExists {
        id: "TPL003",
        name: "condition-exists",
        title: "Condition names are declared in Conditions",
        severity: High,
        equivalents: { "cfn-lint": ["E8002"] },
    }
}

impl Rule for ConditionExists {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let declared: HashSet<&str> = t.conditions().into_iter().map(|(name, _)| name).collect();
        let mut check = |node: &Node, used_by: &str| match node.as_str() {
            Some(name) if declared.contains(name) => {}
            Some(name) => {
                anchor::value(
                    out,
                    node,
                    format!(
                        "{used_by} uses condition `{name}`, which is not declared in Conditions"
                    ),
                );
            }
            None => {
                out.add(node, format!("{used_by} must name a condition"));
            }
        };

        // The Condition attribute of resources and outputs.
        for r in t.resources() {
            if let Some(condition) = r.attribute("Condition") {
                check(&condition, &format!("resource `{}`", r.id));
            }
        }
        for (name, output) in t.outputs() {
            if let Some(condition) = output.get("Condition") {
                check(&condition, &format!("output `{name}`"));
            }
        }
        // A condition defined as another condition: `Name: {"Condition": Other}`.
        for (name, condition) in t.conditions() {
            if let Some(Intrinsic::Condition(_)) = condition.intrinsic() {
                let at = condition.get("Condition").expect("parsed as a Condition");
                check(&at, &format!("condition `{name}`"));
            }
        }
        // Fn::If anywhere, and {"Condition": X} inside Fn::And / Fn::Or / Fn::Not.
        for section in ["Resources", "Outputs", "Conditions", "Globals"] {
            let Some(root) = t.section(section) else {
                continue;
            };
            for node in walk::nodes(root) {
                let Some((name, args)) = walk::function_call(&node) else {
                    continue;
                };
                match name {
                    "Fn::If" => {
                        if let Some(first) = args.index(0)
                            && first.value().is_string()
                        {
                            check(&first, "Fn::If");
                        }
                    }
                    "Fn::And" | "Fn::Or" | "Fn::Not" => {
                        for item in args.items() {
                            if let Some(Intrinsic::Condition(_)) = item.intrinsic() {
                                let at = item.get("Condition").expect("parsed as a Condition");
                                check(&at, name);
                            }
                        }
                    }
                    _ => {}
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
        insta::assert_snapshot!(render_rule("TPL003", "tests/fixtures/tpl003.yaml"));
    }
}
