use std::collections::HashSet;

use preflight_policy::prelude::*;

use crate::data;
use crate::iam::{is_literal, wildcard, written_statements};

declare_rule! {
    /// ## What it does
    /// Checks every action in the IAM policy documents the template writes (inline and
    /// managed policies, SAM `Policies` statements, resource policies): the form
    /// `service:Action`, a service prefix IAM knows, and an action (or wildcard) that
    /// exists for it, suggesting the closest name. Actions built by intrinsics are not
    /// judged. In templates with the SAM transform the check is off unless the
    /// policy's `iam-actions-in-sam` setting is `true`, as cfn-lint does (W3037 skips
    /// them): SAM rewrites statements it generates itself, and cfn-lint's data and
    /// SAM's policy templates disagree on some names.
    ///
    /// ## Why is this bad?
    /// IAM accepts an unknown action without complaint, so a misspelt one silently grants
    /// nothing: the function fails with AccessDenied in production, not at deploy time.
    ///
    /// ## Example
    /// ```yaml
    /// Policies:
    ///   - Statement:
    ///       - Effect: Allow
    ///         Action: dynamodb:GetItems
    ///         Resource: !GetAtt Table.Arn
    /// ```
    ///
    /// ## Fix
    /// Use the action's real name (`dynamodb:GetItem`).
    pub struct IamActionExists {
        id: "SCH011",
        name: "iam-action-exists",
        title: "IAM actions exist",
        severity: Low,
        equivalents: { "cfn-lint": ["W3037"] },
    }
}

impl Rule for IamActionExists {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let mut seen: HashSet<String> = HashSet::new();
        for s in written_statements(cx).0.iter() {
            for e in &s.actions.values {
                let action = e.value.as_str();
                if action == "*" || !is_literal(action) || !seen.insert(e.pointer.clone()) {
                    continue;
                }
                let Some((service, name)) = action.split_once(':') else {
                    out.add_at(
                        &e.pointer,
                        format!(
                            "`{action}` is not an IAM action: expected `service:Action` or `*`"
                        ),
                    )
                    .highlight(action);
                    continue;
                };
                let Some(actions) = data::actions(service) else {
                    let services = data::services();
                    let hint = crate::suggest(service, services.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    out.add_at(
                        &e.pointer,
                        format!("`{action}`: IAM has no service prefix `{service}`{hint}"),
                    )
                    .highlight(action);
                    continue;
                };
                let lower = name.to_ascii_lowercase();
                let found = if lower.contains(['*', '?']) {
                    actions.iter().any(|a| wildcard(&lower, a))
                } else {
                    actions.binary_search(&lower).is_ok()
                };
                if !found {
                    let hint = crate::suggest(&lower, actions.iter().map(String::as_str))
                        .map(|s| format!("; did you mean `{service}:{s}` (IAM action names are case-insensitive)?"))
                        .unwrap_or_default();
                    out.add_at(
                        &e.pointer,
                        format!(
                            "`{action}`: service `{service}` has no action matching `{name}`{hint}"
                        ),
                    )
                    .highlight(action);
                }
            }
        }
    }

    fn applies(&self, cx: &Context, _: &preflight_policy::RuleMeta) -> bool {
        let in_sam = cx
            .settings
            .get("iam-actions-in-sam")
            .and_then(serde_json::Value::as_bool);
        cx.template.resources().next().is_some() && (!cx.template.is_sam() || in_sam == Some(true))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::test_support::{render_rule, render_rule_with};

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SCH011", "tests/fixtures/sch011.yaml"));
    }

    #[test]
    fn sam_templates_only_when_asked() {
        let off = render_rule("SCH011", "tests/fixtures/sch011_sam.yaml");
        assert_eq!(off, "rules: SCH011=skip\n");
        insta::assert_snapshot!(render_rule_with(
            "SCH011",
            "tests/fixtures/sch011_sam.yaml",
            json!({"iam-actions-in-sam": true})
        ));
    }
}
