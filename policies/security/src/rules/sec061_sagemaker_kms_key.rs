use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that SageMaker notebook instances, domains and endpoint configurations
    /// set `KmsKeyId`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Notebook and endpoint volumes hold training data, models and credentials; a key
    /// you control lets you audit and revoke access to them.
    ///
    /// ## Example
    /// ```yaml
    /// Notebook:
    ///   Type: AWS::SageMaker::NotebookInstance
    ///   Properties:
    ///     InstanceType: ml.t3.medium
    ///     RoleArn: arn:aws:iam::123456789012:role/sagemaker
    /// ```
    ///
    /// ## Fix
    /// Set `KmsKeyId` to a customer managed key.
    pub struct SagemakerKmsKey {
        id: "SEC061",
        name: "sagemaker-kms-key",
        title: "SageMaker notebooks, domains and endpoints are encrypted with a KMS key",
        severity: Low,
        resource_types: [
            "AWS::SageMaker::NotebookInstance",
            "AWS::SageMaker::Domain",
            "AWS::SageMaker::EndpointConfig",
        ],
        equivalents: { "cfn_nag": ["W1200", "W1201"], "checkov": ["CKV_AWS_187"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &[
        "AWS::SageMaker::NotebookInstance",
        "AWS::SageMaker::Domain",
        "AWS::SageMaker::EndpointConfig",
    ],
    path: "KmsKeyId",
    expect: Expect::Set,
    what: "its storage volumes are encrypted with a key AWS manages, not one you control",
}];

impl Rule for SagemakerKmsKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC061", "tests/fixtures/sec061.yaml"));
    }
}
