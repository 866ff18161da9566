use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that IAM users set `Groups`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Permissions granted through groups are reviewed and revoked in one place; users
    /// outside any group tend to collect one-off grants.
    ///
    /// ## Example
    /// ```yaml
    /// Alice:
    ///   Type: AWS::IAM::User
    ///   Properties:
    ///     Path: /
    /// ```
    ///
    /// ## Fix
    /// Add the user to a group (`Groups`) and grant permissions to the group.
    pub struct IamUserWithoutGroup {
        id: "SEC111",
        name: "iam-user-without-group",
        title: "IAM users belong to a group",
        severity: Low,
        resource_types: [
            "AWS::IAM::User",
        ],
        equivalents: { "cfn_nag": ["F2000"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::IAM::User"],
    path: "Groups",
    expect: Expect::Set,
    what: "its permissions are managed one user at a time",
}];

impl Rule for IamUserWithoutGroup {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC111", "tests/fixtures/sec111.yaml"));
    }
}
