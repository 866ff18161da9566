use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that VPC endpoint services set `AcceptanceRequired: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without manual acceptance, every principal in the service's permissions can
    /// connect to it at once; acceptance is the second check.
    ///
    /// ## Example
    /// ```yaml
    /// Service:
    ///   Type: AWS::EC2::VPCEndpointService
    ///   Properties:
    ///     NetworkLoadBalancerArns: [arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/nlb/1]
    /// ```
    ///
    /// ## Fix
    /// Set `AcceptanceRequired: true`.
    pub struct VpcEndpointServiceAcceptance {
        id: "SEC089",
        name: "vpc-endpoint-service-acceptance",
        title: "VPC endpoint services require acceptance",
        severity: Low,
        resource_types: [
            "AWS::EC2::VPCEndpointService",
        ],
        equivalents: { "checkov": ["CKV_AWS_123"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::EC2::VPCEndpointService"],
    path: "AcceptanceRequired",
    expect: Expect::True,
    what: "any allowed principal can connect an endpoint without your approval",
}];

impl Rule for VpcEndpointServiceAcceptance {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC089", "tests/fixtures/sec089.yaml"));
    }
}
