use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_one, is_set};

declare_rule! {
    /// ## What it does
    /// Checks that IAM users with a `LoginProfile` set `PasswordResetRequired: true`, as
    /// cfn_nag's W50 does.
    ///
    /// ## Why is this bad?
    /// The initial password is in the template (or whoever deployed it knows it); a
    /// reset at first sign-in makes the user choose one nobody else has seen.
    ///
    /// ## Example
    /// ```yaml
    /// Alice:
    ///   Type: AWS::IAM::User
    ///   Properties:
    ///     LoginProfile:
    ///       Password: '{{resolve:secretsmanager:alice:SecretString:password}}'
    /// ```
    ///
    /// ## Fix
    /// Set `LoginProfile.PasswordResetRequired: true`; better, use IAM Identity Center
    /// instead of IAM users with console passwords.
    pub struct LoginProfilePasswordReset {
        id: "SEC126",
        name: "login-profile-password-reset",
        title: "IAM user login profiles require a password reset",
        severity: Low,
        resource_types: [
            "AWS::IAM::User",
        ],
        equivalents: { "cfn_nag": ["W50"] },
    }
}

const REQUIREMENT: Requirement = Requirement {
    types: &["AWS::IAM::User"],
    path: "LoginProfile/PasswordResetRequired",
    expect: Expect::True,
    what: "the user keeps the password the template set",
};

impl Rule for LoginProfilePasswordReset {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if r.property("LoginProfile")
                .is_some_and(|p| p.is_object() && !p.is_intrinsic())
                && is_set(&r, "LoginProfile")
            {
                check_one(&t, &r, &REQUIREMENT, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC126", "tests/fixtures/sec126.yaml"));
    }
}
