use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that RDS DB clusters set `EnableIAMDatabaseAuthentication: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// IAM authentication replaces long-lived database passwords with short-lived
    /// tokens tied to IAM principals, which can be audited and revoked centrally.
    ///
    /// ## Example
    /// ```yaml
    /// Cluster:
    ///   Type: AWS::RDS::DBCluster
    ///   Properties:
    ///     Engine: aurora-postgresql
    ///     StorageEncrypted: true
    /// ```
    ///
    /// ## Fix
    /// Set `EnableIAMDatabaseAuthentication: true`.
    pub struct RdsIamAuthenticationCluster {
        id: "SEC097",
        name: "rds-iam-authentication-cluster",
        title: "RDS clusters turn on IAM database authentication",
        severity: Low,
        resource_types: [
            "AWS::RDS::DBCluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_162"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::RDS::DBCluster"],
    path: "EnableIAMDatabaseAuthentication",
    expect: Expect::True,
    what: "database users authenticate with long-lived passwords only",
}];

impl Rule for RdsIamAuthenticationCluster {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC097", "tests/fixtures/sec097.yaml"));
    }
}
