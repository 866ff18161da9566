use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that SageMaker models set `EnableNetworkIsolation: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A model container from a third party can send inference data anywhere unless
    /// network isolation is on.
    ///
    /// ## Example
    /// ```yaml
    /// Model:
    ///   Type: AWS::SageMaker::Model
    ///   Properties:
    ///     ExecutionRoleArn: arn:aws:iam::123456789012:role/sagemaker
    /// ```
    ///
    /// ## Fix
    /// Set `EnableNetworkIsolation: true`.
    pub struct SagemakerModelNetworkIsolation {
        id: "SEC091",
        name: "sagemaker-model-network-isolation",
        title: "SageMaker models run with network isolation",
        severity: Low,
        resource_types: [
            "AWS::SageMaker::Model",
        ],
        equivalents: { "checkov": ["CKV_AWS_370"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::SageMaker::Model"],
    path: "EnableNetworkIsolation",
    expect: Expect::True,
    what: "its containers can make outbound network calls",
}];

impl Rule for SagemakerModelNetworkIsolation {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC091", "tests/fixtures/sec091.yaml"));
    }
}
