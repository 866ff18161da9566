use preflight_policy::permissions::{PolicyKind, Statement};
use preflight_policy::prelude::*;

use crate::support::{Seen, is_allow, model, subject};

declare_rule! {
    /// ## What it does
    /// Checks identity policies (inline and standalone IAM policies, managed policies,
    /// permission sets, and the `Policies` of SAM functions and state machines) for an
    /// `Allow` statement with `Action: "*"` and `Resource: "*"`.
    ///
    /// ## Why is this bad?
    /// Such a statement is full administrator access: the identity can do anything,
    /// including granting itself or others any other permission. A compromised function
    /// or user with it compromises the whole account.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Policies:
    ///       - Statement:
    ///           - Effect: Allow
    ///             Action: "*"
    ///             Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// Grant only the actions the code calls, on the resources it uses (a SAM policy
    /// template such as `DynamoDBCrudPolicy` often does it in one line).
    pub struct IamFullAdminStatement {
        id: "SEC001",
        name: "iam-full-admin-statement",
        title: "IAM statements do not allow every action on every resource",
        severity: Critical,
        equivalents: {
            "cfn_nag": ["F3", "F4", "F5", "W11", "W12", "W13", "F38", "F39", "F40"],
            "checkov": ["CKV_AWS_62", "CKV_AWS_63"],
        },
    }
}

/// Whether an identity statement allows `*` on `*` (what SEC001 reports).
pub fn is_full_admin(s: &Statement) -> bool {
    s.kind == PolicyKind::Identity
        && is_allow(s)
        && !s.actions.not
        && !s.resources.not
        && s.actions.strings().any(|a| a == "*")
        && s.resources.strings().any(|r| r == "*")
}

impl Rule for IamFullAdminStatement {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        model(cx)
            .statements_of_kind(PolicyKind::Identity)
            .next()
            .is_some()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut seen = Seen::default();
        for s in model.statements().filter(|s| is_full_admin(s)) {
            let Some(action) = s.actions.values.iter().find(|e| e.value == "*") else {
                continue;
            };
            if seen.first(&action.pointer) {
                out.add_at(
                    &action.pointer,
                    format!(
                        "{} allows every action on every resource (`Action: *`, `Resource: *`): full administrator access",
                        subject(s)
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
        insta::assert_snapshot!(render_rule("SEC001", "tests/fixtures/sec001.yaml"));
    }
}
