use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{
    Once, actions, allowed_values, has_statements, is_wildcard_action, model, subject,
};

declare_rule! {
    /// ## What it does
    /// Checks role trust policies for an `Allow` statement whose `Action` is `*` or
    /// `sts:*`.
    ///
    /// ## Why is this bad?
    /// A trust policy only needs `sts:AssumeRole` (or `sts:AssumeRoleWithWebIdentity`,
    /// `sts:AssumeRoleWithSAML`, `sts:TagSession`). A wildcard also allows the other
    /// ways in, such as web identity or SAML federation, for the trusted principals.
    ///
    /// ## Example
    /// ```yaml
    /// AssumeRolePolicyDocument:
    ///   Statement:
    ///     - Effect: Allow
    ///       Principal: {Service: lambda.amazonaws.com}
    ///       Action: "*"
    /// ```
    ///
    /// ## Fix
    /// Write the one action the principal uses, usually `sts:AssumeRole`.
    pub struct TrustWildcardAction {
        id: "SEC010",
        name: "trust-wildcard-action",
        title: "Role trust policies do not allow wildcard actions",
        severity: High,
        equivalents: { "cfn_nag": ["F2"] },
    }
}

impl Rule for TrustWildcardAction {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Trust))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for (s, a) in allowed_values(model.statements_of_kind(PolicyKind::Trust), actions) {
            if is_wildcard_action(&a.value) {
                once.add(
                    &a.pointer,
                    format!(
                        "{} allows `{}` instead of `sts:AssumeRole`",
                        subject(s),
                        a.value
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
        insta::assert_snapshot!(render_rule("SEC010", "tests/fixtures/sec010.yaml"));
    }
}
