use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Cognito identity pools do not set `AllowUnauthenticatedIdentities:
    /// true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Guest access hands AWS credentials to anyone who asks; whatever the
    /// unauthenticated role may do, the whole internet may do.
    ///
    /// ## Example
    /// ```yaml
    /// Pool:
    ///   Type: AWS::Cognito::IdentityPool
    ///   Properties:
    ///     AllowUnauthenticatedIdentities: true
    /// ```
    ///
    /// ## Fix
    /// Set `AllowUnauthenticatedIdentities: false`, or keep the unauthenticated role's
    /// permissions to the minimum.
    pub struct CognitoUnauthenticatedIdentities {
        id: "SEC095",
        name: "cognito-unauthenticated-identities",
        title: "Cognito identity pools do not admit unauthenticated identities",
        severity: Medium,
        resource_types: [
            "AWS::Cognito::IdentityPool",
        ],
        equivalents: { "cfn_nag": ["W57"], "checkov": ["CKV_AWS_366"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Cognito::IdentityPool"],
    path: "AllowUnauthenticatedIdentities",
    expect: Expect::NotTrue,
    what: "anyone on the internet can get AWS credentials for its unauthenticated role",
}];

impl Rule for CognitoUnauthenticatedIdentities {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC095", "tests/fixtures/sec095.yaml"));
    }
}
