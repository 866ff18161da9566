use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Kendra indexes set `ServerSideEncryptionConfiguration.KmsKeyId`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A Kendra index holds the text of the documents it indexes; with an AWS owned key
    /// their decryption can be neither audited nor revoked.
    ///
    /// ## Example
    /// ```yaml
    /// Index:
    ///   Type: AWS::Kendra::Index
    ///   Properties:
    ///     Name: docs
    ///     Edition: DEVELOPER_EDITION
    ///     RoleArn: arn:aws:iam::123456789012:role/kendra
    /// ```
    ///
    /// ## Fix
    /// Set `ServerSideEncryptionConfiguration: {KmsKeyId: ...}`.
    pub struct KendraIndexKmsKey {
        id: "SEC060",
        name: "kendra-index-kms-key",
        title: "Kendra indexes are encrypted with a customer managed key",
        severity: Low,
        resource_types: [
            "AWS::Kendra::Index",
        ],
        equivalents: { "cfn_nag": ["W80"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Kendra::Index"],
    path: "ServerSideEncryptionConfiguration/KmsKeyId",
    expect: Expect::Set,
    what: "its documents are encrypted with a key AWS owns",
}];

impl Rule for KendraIndexKmsKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC060", "tests/fixtures/sec060.yaml"));
    }
}
