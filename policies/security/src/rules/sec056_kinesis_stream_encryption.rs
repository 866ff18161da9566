use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Kinesis data streams set `StreamEncryption` with `EncryptionType:
    /// KMS` and a `KeyId`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without server-side encryption the records of a stream are stored in the clear
    /// for its whole retention period.
    ///
    /// ## Example
    /// ```yaml
    /// Stream:
    ///   Type: AWS::Kinesis::Stream
    ///   Properties:
    ///     ShardCount: 1
    /// ```
    ///
    /// ## Fix
    /// Set `StreamEncryption: {EncryptionType: KMS, KeyId: alias/aws/kinesis}` (or a
    /// customer managed key).
    pub struct KinesisStreamEncryption {
        id: "SEC056",
        name: "kinesis-stream-encryption",
        title: "Kinesis streams are encrypted with KMS",
        severity: Medium,
        resource_types: [
            "AWS::Kinesis::Stream",
        ],
        equivalents: { "cfn_nag": ["W49"], "checkov": ["CKV_AWS_43"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        types: &["AWS::Kinesis::Stream"],
        path: "StreamEncryption/EncryptionType",
        expect: Expect::OneOf(&["KMS"]),
        what: "its records are stored unencrypted",
    },
    Requirement {
        types: &["AWS::Kinesis::Stream"],
        path: "StreamEncryption/KeyId",
        expect: Expect::Set,
        what: "server-side encryption needs a KMS key",
    },
];

impl Rule for KinesisStreamEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC056", "tests/fixtures/sec056.yaml"));
    }
}
