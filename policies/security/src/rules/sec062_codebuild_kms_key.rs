use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that CodeBuild projects set `EncryptionKey`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Build artifacts can contain secrets and deployable code; with the AWS managed
    /// key anyone in the account with S3 access to the bucket can read them.
    ///
    /// ## Example
    /// ```yaml
    /// Build:
    ///   Type: AWS::CodeBuild::Project
    ///   Properties:
    ///     ServiceRole: arn:aws:iam::123456789012:role/codebuild
    ///     Artifacts: {Type: NO_ARTIFACTS}
    ///     Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
    ///     Source: {Type: NO_SOURCE, BuildSpec: buildspec.yml}
    /// ```
    ///
    /// ## Fix
    /// Set `EncryptionKey` to a customer managed key ARN or alias.
    pub struct CodebuildKmsKey {
        id: "SEC062",
        name: "codebuild-kms-key",
        title: "CodeBuild projects encrypt their artifacts with a customer managed key",
        severity: Low,
        resource_types: [
            "AWS::CodeBuild::Project",
        ],
        equivalents: { "cfn_nag": ["W32"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::CodeBuild::Project"],
    path: "EncryptionKey",
    expect: Expect::Set,
    what: "its build artifacts are encrypted with the AWS managed key `aws/s3`",
}];

impl Rule for CodebuildKmsKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC062", "tests/fixtures/sec062.yaml"));
    }
}
