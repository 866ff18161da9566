use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use super::sec001_iam_full_admin_statement::is_full_admin;
use crate::support::{Seen, is_allow, is_sam_generated, is_wildcard_action, model, subject};

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
        model(cx)
            .statements_of_kind(PolicyKind::Identity)
            .next()
            .is_some()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut seen = Seen::default();
        for s in model.statements_of_kind(PolicyKind::Identity) {
            if !is_allow(s) || s.actions.not || is_full_admin(s) || is_sam_generated(s) {
                continue;
            }
            for action in &s.actions.values {
                if !is_wildcard_action(&action.value) || !seen.first(&action.pointer) {
                    continue;
                }
                if action.value == "*" {
                    out.add_at(
                        &action.pointer,
                        format!("{} allows every action (`Action: *`)", subject(s)),
                    );
                } else {
                    out.add_at(
                        &action.pointer,
                        format!(
                            "{} allows `{}`: every action of the service",
                            subject(s),
                            action.value
                        ),
                    )
                    .severity(Severity::Medium);
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
        insta::assert_snapshot!(render_rule("SEC002", "tests/fixtures/sec002.yaml"));
    }
}
