use preflight_policy::prelude::*;

use crate::support::{has_managed_policies, report_managed_policies};

declare_rule! {
    /// ## What it does
    /// Checks the managed policies attached to IAM roles, users and groups, to the roles
    /// SAM generates, and to SSO permission sets, for AWS managed policies that are
    /// administrator access in all but name: `PowerUserAccess`, `IAMFullAccess`,
    /// `AWSOrganizationsFullAccess`, `AWSSSOMasterAccountAdministrator` and
    /// `job-function/SystemAdministrator`.
    ///
    /// ## Why is this bad?
    /// `IAMFullAccess` can grant itself anything; `PowerUserAccess` can do everything
    /// except manage IAM, which still includes reading every secret and deleting every
    /// resource. A workload rarely needs either.
    ///
    /// ## Example
    /// ```yaml
    /// Role:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     ManagedPolicyArns:
    ///       - arn:aws:iam::aws:policy/IAMFullAccess
    /// ```
    ///
    /// ## Fix
    /// Attach a policy that grants only what the workload does.
    pub struct ElevatedManagedPolicy {
        id: "SEC012",
        name: "elevated-managed-policy",
        title: "Elevated AWS managed policies are not attached",
        severity: High,
        equivalents: { "cfn_nag": ["W44"] },
    }
}

/// Elevated AWS managed policies, by path after `policy/`.
const ELEVATED: &[&str] = &[
    "PowerUserAccess",
    "IAMFullAccess",
    "AWSOrganizationsFullAccess",
    "AWSSSOMasterAccountAdministrator",
    "job-function/SystemAdministrator",
];

impl Rule for ElevatedManagedPolicy {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_managed_policies(cx)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        report_managed_policies(cx, out, |name, who| {
            ELEVATED
                .contains(&name)
                .then(|| format!("{who} gets the elevated managed policy `{name}`"))
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC012", "tests/fixtures/sec012.yaml"));
    }
}
