use preflight_policy::permissions::{PolicyKind, wildcard_match};
use preflight_policy::prelude::*;

use crate::support::{Once, actions, allowed, has_statements, is_full_admin, model, subject};

declare_rule! {
    /// ## What it does
    /// Checks identity policies (including SAM function `Policies`) for an `Allow`
    /// statement whose actions include `iam:PassRole` (written out, or through a wildcard
    /// such as `iam:Pass*` or `iam:*`) with `Resource: "*"`. Statements that allow `*` on
    /// `*` are reported by SEC001 instead.
    ///
    /// ## Why is this bad?
    /// `iam:PassRole` lets an identity hand a role to a service (a Lambda function, an EC2
    /// instance, a CloudFormation stack). On `*` it can hand over any role in the account,
    /// including an administrator's, and so act with that role's permissions: a classic
    /// privilege escalation.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Allow
    ///   Action: iam:PassRole
    ///   Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// Name the roles that may be passed, and where possible add an `iam:PassedToService`
    /// condition.
    pub struct IamPassRoleWildcard {
        id: "SEC004",
        name: "iam-pass-role-wildcard",
        title: "iam:PassRole is not allowed on every role",
        severity: High,
        equivalents: { "cfn_nag": ["F38", "F39", "F40"] },
    }
}

impl Rule for IamPassRoleWildcard {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Identity))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for s in allowed(model.statements_of_kind(PolicyKind::Identity), actions) {
            if s.resources.not || is_full_admin(s) || !s.resources.strings().any(|r| r == "*") {
                continue;
            }
            let pass_role = s
                .actions
                .values
                .iter()
                .find(|a| wildcard_match(&a.value, "iam:PassRole", true));
            if let Some(action) = pass_role {
                once.add(
                    &action.pointer,
                    format!(
                        "{} allows `{}` on every role (`Resource: *`): it can pass any role, an administrator's included, to a service",
                        subject(s),
                        action.value
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC004", "tests/fixtures/sec004.yaml"));
    }
}
