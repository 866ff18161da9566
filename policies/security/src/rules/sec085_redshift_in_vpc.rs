use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Redshift clusters set `ClusterSubnetGroupName`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without a subnet group the cluster lands in the default VPC (or EC2-Classic in
    /// old accounts), where its network exposure is not what the template describes.
    ///
    /// ## Example
    /// ```yaml
    /// Warehouse:
    ///   Type: AWS::Redshift::Cluster
    ///   Properties:
    ///     ClusterType: single-node
    ///     NodeType: ra3.xlplus
    ///     DBName: dw
    ///     MasterUsername: admin
    ///     ManageMasterPassword: true
    /// ```
    ///
    /// ## Fix
    /// Create an `AWS::Redshift::ClusterSubnetGroup` and reference it.
    pub struct RedshiftInVpc {
        id: "SEC085",
        name: "redshift-in-vpc",
        title: "Redshift clusters are in a VPC subnet group",
        severity: Low,
        resource_types: [
            "AWS::Redshift::Cluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_154"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Redshift::Cluster"],
    path: "ClusterSubnetGroupName",
    expect: Expect::Set,
    what: "it is placed in the default VPC, outside your network design",
}];

impl Rule for RedshiftInVpc {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC085", "tests/fixtures/sec085.yaml"));
    }
}
