use preflight_policy::prelude::*;

use crate::support::{has_managed_policies, report_managed_policies};

declare_rule! {
    /// ## What it does
    /// Checks the managed policies attached to IAM roles, users and groups
    /// (`ManagedPolicyArns`), to the roles SAM generates (a `Policies` entry such as
    /// `AdministratorAccess` or its ARN), and to SSO permission sets, for the AWS managed
    /// policy `AdministratorAccess`.
    ///
    /// ## Why is this bad?
    /// `AdministratorAccess` allows every action on every resource. A function, instance
    /// or pipeline that runs with it can take over the account.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Policies:
    ///       - AdministratorAccess
    /// ```
    ///
    /// ## Fix
    /// Replace it with the permissions the workload needs: SAM policy templates, a scoped
    /// inline statement, or a narrower managed policy.
    pub struct AdministratorAccessPolicy {
        id: "SEC011",
        name: "administrator-access-policy",
        title: "The AdministratorAccess managed policy is not attached",
        severity: Critical,
        equivalents: { "cfn_nag": ["W43"] },
    }
}

impl Rule for AdministratorAccessPolicy {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_managed_policies(cx)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        report_managed_policies(cx, out, |name, who| {
            (name == "AdministratorAccess").then(|| {
                format!(
                    "{who} gets the `AdministratorAccess` managed policy: every action on every resource"
                )
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC011", "tests/fixtures/sec011.yaml"));
    }
}
