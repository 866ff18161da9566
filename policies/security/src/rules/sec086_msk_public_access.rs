use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that MSK clusters do not set
    /// `BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type: SERVICE_PROVIDED_EIPS`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Public brokers can be reached from the internet; only client authentication
    /// stands between them and anyone.
    ///
    /// ## Example
    /// ```yaml
    /// Kafka:
    ///   Type: AWS::MSK::Cluster
    ///   Properties:
    ///     ClusterName: events
    ///     KafkaVersion: 3.5.1
    ///     NumberOfBrokerNodes: 2
    ///     BrokerNodeGroupInfo:
    ///       InstanceType: kafka.m5.large
    ///       ClientSubnets: [subnet-1, subnet-2]
    ///       ConnectivityInfo:
    ///         PublicAccess:
    ///           Type: SERVICE_PROVIDED_EIPS
    /// ```
    ///
    /// ## Fix
    /// Set `PublicAccess.Type: DISABLED` and reach the cluster through the VPC.
    pub struct MskPublicAccess {
        id: "SEC086",
        name: "msk-public-access",
        title: "MSK brokers are not public",
        severity: High,
        resource_types: [
            "AWS::MSK::Cluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_291"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::MSK::Cluster"],
    path: "BrokerNodeGroupInfo/ConnectivityInfo/PublicAccess/Type",
    expect: Expect::NoneOf(&["SERVICE_PROVIDED_EIPS"]),
    what: "its brokers have public IP addresses",
}];

impl Rule for MskPublicAccess {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC086", "tests/fixtures/sec086.yaml"));
    }
}
