use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that subnets do not set `MapPublicIpOnLaunch: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// An instance with a public address is reachable from the internet as soon as a
    /// security group allows it; public addresses should be given deliberately.
    ///
    /// ## Example
    /// ```yaml
    /// Public:
    ///   Type: AWS::EC2::Subnet
    ///   Properties:
    ///     VpcId: vpc-12345
    ///     CidrBlock: 10.0.0.0/24
    ///     MapPublicIpOnLaunch: true
    /// ```
    ///
    /// ## Fix
    /// Remove `MapPublicIpOnLaunch`, and give public addresses to the instances that
    /// need them (or put them behind a load balancer).
    pub struct SubnetPublicIpOnLaunch {
        id: "SEC082",
        name: "subnet-public-ip-on-launch",
        title: "Subnets do not give instances public IP addresses",
        severity: Low,
        resource_types: [
            "AWS::EC2::Subnet",
        ],
        equivalents: { "cfn_nag": ["W33"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::EC2::Subnet"],
    path: "MapPublicIpOnLaunch",
    expect: Expect::NotTrue,
    what: "every instance launched in it gets a public IP address",
}];

impl Rule for SubnetPublicIpOnLaunch {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC082", "tests/fixtures/sec082.yaml"));
    }
}
