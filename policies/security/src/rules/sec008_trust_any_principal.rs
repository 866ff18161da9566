use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{Seen, is_allow, is_wildcard_principal, model, narrowing_keys, subject};

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
        model(cx)
            .statements_of_kind(PolicyKind::Trust)
            .next()
            .is_some()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut seen = Seen::default();
        for s in model.statements_of_kind(PolicyKind::Trust) {
            if !is_allow(s) || s.principals.not {
                continue;
            }
            for p in &s.principals.values {
                if !is_wildcard_principal(&p.value) || !seen.first(&p.pointer) {
                    continue;
                }
                let keys = narrowing_keys(s);
                if keys.is_empty() {
                    out.add_at(
                        &p.pointer,
                        format!(
                            "{} lets any principal (`{}`) assume the role",
                            subject(s),
                            p.value
                        ),
                    );
                } else {
                    out.add_at(
                        &p.pointer,
                        format!(
                            "{} lets any principal (`{}`) assume the role, narrowed only by conditions on {}",
                            subject(s),
                            p.value,
                            keys.join(", ")
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
        insta::assert_snapshot!(render_rule("SEC008", "tests/fixtures/sec008.yaml"));
    }
}
