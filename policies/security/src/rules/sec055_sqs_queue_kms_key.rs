use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that SQS queues set `KmsMasterKeyId`. SEC032 checks that they are
    /// encrypted at all (SQS managed encryption counts there).
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// With SQS managed encryption there is no key policy to restrict who reads the
    /// messages, and no CloudTrail record of decryption.
    ///
    /// ## Example
    /// ```yaml
    /// Queue:
    ///   Type: AWS::SQS::Queue
    ///   Properties:
    ///     SqsManagedSseEnabled: true
    /// ```
    ///
    /// ## Fix
    /// Set `KmsMasterKeyId` (`alias/aws/sqs` or a customer managed key).
    pub struct SqsQueueKmsKey {
        id: "SEC055",
        name: "sqs-queue-kms-key",
        title: "SQS queues are encrypted with a KMS key",
        severity: Low,
        resource_types: [
            "AWS::SQS::Queue",
        ],
        equivalents: { "cfn_nag": ["W48"], "checkov": ["CKV_AWS_27"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::SQS::Queue"],
    path: "KmsMasterKeyId",
    expect: Expect::Set,
    what: "its messages are encrypted, if at all, with a key SQS owns, so access to them cannot be audited or revoked through KMS",
}];

impl Rule for SqsQueueKmsKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC055", "tests/fixtures/sec055.yaml"));
    }
}
