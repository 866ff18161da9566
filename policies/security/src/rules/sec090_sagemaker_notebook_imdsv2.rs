use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that SageMaker notebook instances set
    /// `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion:
    /// "2"`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// IMDSv1 answers any request from the instance, so a server-side request forgery
    /// in notebook code hands out the role's credentials.
    ///
    /// ## Example
    /// ```yaml
    /// Notebook:
    ///   Type: AWS::SageMaker::NotebookInstance
    ///   Properties:
    ///     InstanceType: ml.t3.medium
    ///     RoleArn: arn:aws:iam::123456789012:role/sagemaker
    ///     KmsKeyId: alias/sagemaker
    /// ```
    ///
    /// ## Fix
    /// Set `InstanceMetadataServiceConfiguration:
    /// {MinimumInstanceMetadataServiceVersion: "2"}`.
    pub struct SagemakerNotebookImdsv2 {
        id: "SEC090",
        name: "sagemaker-notebook-imdsv2",
        title: "SageMaker notebook instances allow IMDSv2 only",
        severity: Medium,
        resource_types: [
            "AWS::SageMaker::NotebookInstance",
        ],
        equivalents: { "checkov": ["CKV_AWS_371"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::SageMaker::NotebookInstance"],
    path: "InstanceMetadataServiceConfiguration/MinimumInstanceMetadataServiceVersion",
    expect: Expect::OneOf(&["2"]),
    what: "its instance metadata (and role credentials) can be read with IMDSv1",
}];

impl Rule for SagemakerNotebookImdsv2 {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC090", "tests/fixtures/sec090.yaml"));
    }
}
