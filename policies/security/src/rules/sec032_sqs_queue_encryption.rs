use preflight_policy::prelude::*;

use crate::support::{Flag, flag, is_set, report_off};

declare_rule! {
    /// ## What it does
    /// Checks that SQS queues are encrypted at rest. New queues are encrypted with
    /// SQS-managed keys (SSE-SQS) unless `SqsManagedSseEnabled` is `false`; the rule
    /// reports a queue that turns that off without giving a `KmsMasterKeyId`. (A queue
    /// without either is encrypted and passes; cfn_nag's W48 and checkov's CKV_AWS_27,
    /// which ask for a KMS key on every queue, are different checks.)
    ///
    /// ## Why is this bad?
    /// Messages then sit unencrypted in the queue until they are consumed or expire.
    ///
    /// ## Example
    /// ```yaml
    /// Queue:
    ///   Type: AWS::SQS::Queue
    ///   Properties:
    ///     SqsManagedSseEnabled: false
    /// ```
    ///
    /// ## Fix
    /// Remove `SqsManagedSseEnabled: false`, or set `KmsMasterKeyId` to use a KMS key.
    pub struct SqsQueueEncryption {
        id: "SEC032",
        name: "sqs-queue-encryption",
        title: "SQS queues are encrypted",
        severity: Medium,
        resource_types: ["AWS::SQS::Queue"],
    }
}

impl Rule for SqsQueueEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for queue in t.resources_of_type("AWS::SQS::Queue") {
            if is_set(&queue, "KmsMasterKeyId") {
                continue;
            }
            if let Flag::Off(off @ Some(_)) = flag(&t, &queue, "SqsManagedSseEnabled") {
                report_off(
                    out,
                    &queue,
                    "SqsManagedSseEnabled",
                    &off,
                    "with no `KmsMasterKeyId` its messages are not encrypted at rest",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC032", "tests/fixtures/sec032.yaml"));
    }
}
