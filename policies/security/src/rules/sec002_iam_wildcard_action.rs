use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{
    Once, Say, actions, allowed_values, has_statements, is_wildcard_action, model, subject,
    written_identity_statements,
};

declare_rule! {
    /// ## What it does
    /// Checks identity policies (IAM roles, users, groups, policies, managed policies,
    /// permission sets, and the inline `Policies` of SAM functions and state machines) for
    /// an `Allow` statement whose `Action` is `*` or a whole service such as `s3:*`.
    /// Statements that allow `*` on every resource are left to SEC001; the statements of
    /// SAM policy templates (AWS's own documents) are not checked.
    ///
    /// ## Why is this bad?
    /// A wildcard action grants every present and future action of the service (or of
    /// all services), usually far more than the code needs: `s3:*` includes deleting
    /// buckets and rewriting their policies, `iam:*` is administrator access in disguise.
    ///
    /// ## Example
    /// ```yaml
    /// Role:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     Policies:
    ///       - PolicyName: data
    ///         PolicyDocument:
    ///           Statement:
    ///             - Effect: Allow
    ///               Action: dynamodb:*
    ///               Resource: !GetAtt Table.Arn
    /// ```
    ///
    /// ## Fix
    /// List the actions the code calls (`dynamodb:GetItem`, `dynamodb:PutItem`, ...), or
    /// use a SAM policy template.
    pub struct IamWildcardAction {
        id: "SEC002",
        name: "iam-wildcard-action",
        title: "IAM statements do not allow wildcard actions",
        severity: High,
        equivalents: { "cfn_nag": ["F3", "F4", "F5"], "checkov": ["CKV_AWS_63"] },
    }
}

impl Rule for IamWildcardAction {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Identity))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for (s, action) in allowed_values(written_identity_statements(&model), actions) {
            if !is_wildcard_action(&action.value) {
                continue;
            }
            let say = if action.value == "*" {
                Say::from(format!("{} allows every action (`Action: *`)", subject(s)))
            } else {
                Say::at(
                    format!(
                        "{} allows `{}`: every action of the service",
                        subject(s),
                        action.value
                    ),
                    Severity::Medium,
                )
            };
            say.add_once(&mut once, &action.pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC002", "tests/fixtures/sec002.yaml"));
    }
}
