use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Lambda functions (`AWS::Lambda::Function`, SAM
    /// `AWS::Serverless::Function`, with `Globals`) set `VpcConfig`. Opinionated (most
    /// serverless functions need no VPC): reported at info severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Inside a VPC, a function's egress can be limited by security groups, network
    /// ACLs and VPC endpoints.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Handler: app.handler
    ///     Runtime: python3.12
    ///     CodeUri: src/
    /// ```
    ///
    /// ## Fix
    /// Set `VpcConfig` with subnets and security groups, or disable this rule for
    /// functions that need no network isolation.
    pub struct LambdaInVpc {
        id: "SEC083",
        name: "lambda-in-vpc",
        title: "Lambda functions run in a VPC",
        severity: Info,
        resource_types: [
            "AWS::Lambda::Function",
            "AWS::Serverless::Function",
        ],
        equivalents: { "cfn_nag": ["W89"], "checkov": ["CKV_AWS_117"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Lambda::Function", "AWS::Serverless::Function"],
    path: "VpcConfig",
    expect: Expect::Set,
    what: "it reaches the internet and AWS APIs directly, outside any network control",
}];

impl Rule for LambdaInVpc {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC083", "tests/fixtures/sec083.yaml"));
    }
}
