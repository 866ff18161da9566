use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Cognito user pools do not set `MfaConfiguration: "OFF"`. As cfn_nag,
    /// a pool that leaves `MfaConfiguration` out is not reported.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Passwords are phished, reused and guessed; a second factor stops most account
    /// takeovers.
    ///
    /// ## Example
    /// ```yaml
    /// Users:
    ///   Type: AWS::Cognito::UserPool
    ///   Properties:
    ///     MfaConfiguration: "OFF"
    /// ```
    ///
    /// ## Fix
    /// Set `MfaConfiguration: "ON"` (or `"OPTIONAL"`) with `EnabledMfas`.
    pub struct CognitoUserPoolMfa {
        id: "SEC096",
        name: "cognito-user-pool-mfa",
        title: "Cognito user pools do not turn MFA off",
        severity: Medium,
        resource_types: [
            "AWS::Cognito::UserPool",
        ],
        equivalents: { "cfn_nag": ["F78"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Cognito::UserPool"],
    path: "MfaConfiguration",
    expect: Expect::NoneOf(&["OFF"]),
    what: "its users sign in with a password alone",
}];

impl Rule for CognitoUserPoolMfa {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC096", "tests/fixtures/sec096.yaml"));
    }
}
