use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{Once, has_statements, is_full_admin, model, subject};

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

impl Rule for IamFullAdminStatement {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Identity))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for s in model.statements().filter(|s| is_full_admin(s)) {
            if let Some(action) = s.actions.values.iter().find(|e| e.value == "*") {
                once.add(
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
