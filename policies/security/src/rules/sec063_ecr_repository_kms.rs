use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that ECR repositories set `EncryptionConfiguration.EncryptionType: KMS`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// With the default AES256 encryption there is no key policy or CloudTrail record
    /// of who pulled image layers.
    ///
    /// ## Example
    /// ```yaml
    /// Repo:
    ///   Type: AWS::ECR::Repository
    ///   Properties:
    ///     ImageTagMutability: IMMUTABLE
    /// ```
    ///
    /// ## Fix
    /// Set `EncryptionConfiguration: {EncryptionType: KMS, KmsKey: ...}`; the setting
    /// can only be chosen when the repository is created.
    pub struct EcrRepositoryKms {
        id: "SEC063",
        name: "ecr-repository-kms",
        title: "ECR repositories are encrypted with KMS",
        severity: Low,
        resource_types: [
            "AWS::ECR::Repository",
        ],
        equivalents: { "checkov": ["CKV_AWS_136"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::ECR::Repository"],
    path: "EncryptionConfiguration/EncryptionType",
    expect: Expect::OneOf(&["KMS", "KMS_DSSE"]),
    what: "its images are encrypted with S3-managed keys, not a KMS key you can audit or revoke",
}];

impl Rule for EcrRepositoryKms {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC063", "tests/fixtures/sec063.yaml"));
    }
}
