use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{
    Once, Say, allowed_values, has_statements, is_wildcard_principal, model, principals, subject,
};

declare_rule! {
    /// ## What it does
    /// Checks role trust policies for an `Allow` statement that trusts a whole account
    /// (`AWS: "123456789012"`, `arn:aws:iam::123456789012:root`, `!Ref AWS::AccountId`)
    /// without any `Condition`. Trusting the stack's own account is reported at low
    /// severity.
    ///
    /// ## Why is this bad?
    /// Trusting an account's root lets every user and role of that account that has
    /// `sts:AssumeRole` permission assume the role: usually many more identities than the
    /// one meant, and for a third-party account, anyone the third party lets in (the
    /// "confused deputy").
    ///
    /// ## Example
    /// ```yaml
    /// AssumeRolePolicyDocument:
    ///   Statement:
    ///     - Effect: Allow
    ///       Principal: {AWS: arn:aws:iam::111122223333:root}
    ///       Action: sts:AssumeRole
    /// ```
    ///
    /// ## Fix
    /// Name the role that may assume it, or add a condition: `sts:ExternalId` for a third
    /// party, `aws:PrincipalArn` for identities of your own account.
    pub struct TrustAccountWithoutCondition {
        id: "SEC009",
        name: "trust-account-without-condition",
        title: "Role trust policies do not trust a whole account without a condition",
        severity: Medium,
        equivalents: { "checkov": ["CKV_AWS_61"] },
    }
}

/// Whether a principal element names a whole account, and whether that account is the
/// stack's own.
fn account(principal: &str) -> Option<bool> {
    let value = principal.strip_prefix("AWS:")?;
    if value == "${AWS::AccountId}" {
        return Some(true);
    }
    if value.starts_with("arn:") && value.ends_with(":root") {
        return Some(value.contains("${AWS::AccountId}"));
    }
    None
}

impl Rule for TrustAccountWithoutCondition {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Trust))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for (s, p) in allowed_values(model.statements_of_kind(PolicyKind::Trust), principals) {
            if !s.conditions.is_empty() || is_wildcard_principal(&p.value) {
                continue;
            }
            let Some(own) = account(&p.value) else {
                continue;
            };
            let value = p.value.trim_start_matches("AWS:");
            let value = value
                .split_once(":iam::")
                .and_then(|(_, rest)| rest.strip_suffix(":root"))
                .unwrap_or(value);
            let message = format!(
                "{} trusts every identity of account `{value}` without a condition",
                subject(s)
            );
            let say = if own {
                Say::at(message, Severity::Low)
            } else {
                Say::from(message)
            };
            say.add_once(&mut once, &p.pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC009", "tests/fixtures/sec009.yaml"));
    }
}
