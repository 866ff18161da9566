use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that EMR clusters set `SecurityConfiguration`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Encryption of EMRFS data, local disks and traffic between nodes is only
    /// configured through a security configuration.
    ///
    /// ## Example
    /// ```yaml
    /// Cluster:
    ///   Type: AWS::EMR::Cluster
    ///   Properties:
    ///     Name: analytics
    ///     JobFlowRole: EMR_EC2_DefaultRole
    ///     ServiceRole: EMR_DefaultRole
    ///     Instances: {}
    /// ```
    ///
    /// ## Fix
    /// Create an `AWS::EMR::SecurityConfiguration` and set the cluster's
    /// `SecurityConfiguration` to it.
    pub struct EmrClusterSecurityConfiguration {
        id: "SEC068",
        name: "emr-cluster-security-configuration",
        title: "EMR clusters have a security configuration",
        severity: Low,
        resource_types: [
            "AWS::EMR::Cluster",
        ],
        equivalents: { "cfn_nag": ["W63"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::EMR::Cluster"],
    path: "SecurityConfiguration",
    expect: Expect::Set,
    what: "it has no encryption at rest or in transit, and no Kerberos or Lake Formation settings",
}];

impl Rule for EmrClusterSecurityConfiguration {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC068", "tests/fixtures/sec068.yaml"));
    }
}
