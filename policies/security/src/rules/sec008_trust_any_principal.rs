use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{
    Once, allowed_values, has_statements, is_wildcard_principal, model, narrowing_conditions,
    principals, subject, unless_narrowed,
};

declare_rule! {
    /// ## What it does
    /// Checks role trust policies (`AssumeRolePolicyDocument` of IAM roles and SAM
    /// functions) for an `Allow` statement whose principal is anyone: `"*"`,
    /// `{AWS: "*"}`, or an ARN with a wildcard such as `arn:aws:iam::*:root`. When a
    /// condition ties the statement to an account, organisation, source or external id
    /// (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceArn`, `sts:ExternalId`,
    /// an OIDC audience, ...) the finding is kept at medium severity.
    ///
    /// ## Why is this bad?
    /// Any AWS account, and so anyone on the internet with an AWS account, can assume the
    /// role and use its permissions.
    ///
    /// ## Example
    /// ```yaml
    /// AssumeRolePolicyDocument:
    ///   Statement:
    ///     - Effect: Allow
    ///       Principal: {AWS: "*"}
    ///       Action: sts:AssumeRole
    /// ```
    ///
    /// ## Fix
    /// Name the accounts, roles or services that may assume the role.
    pub struct TrustAnyPrincipal {
        id: "SEC008",
        name: "trust-any-principal",
        title: "Role trust policies do not trust any principal",
        severity: Critical,
        equivalents: { "checkov": ["CKV_AWS_60"] },
    }
}

impl Rule for TrustAnyPrincipal {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Trust))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for (s, p) in allowed_values(model.statements_of_kind(PolicyKind::Trust), principals) {
            if !is_wildcard_principal(&p.value) {
                continue;
            }
            let narrowing: Vec<String> = narrowing_conditions(s).into_iter().collect();
            unless_narrowed(
                format!(
                    "{} lets any principal (`{}`) assume the role",
                    subject(s),
                    p.value
                ),
                &narrowing,
                "narrowed only by",
                Severity::Medium,
            )
            .add_once(&mut once, &p.pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC008", "tests/fixtures/sec008.yaml"));
    }
}
