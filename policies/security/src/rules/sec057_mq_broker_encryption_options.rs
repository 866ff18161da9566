use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Amazon MQ brokers set `EncryptionOptions`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without `EncryptionOptions` the broker's storage is encrypted with an AWS owned
    /// key: no key policy, no CloudTrail record of its use.
    ///
    /// ## Example
    /// ```yaml
    /// Broker:
    ///   Type: AWS::AmazonMQ::Broker
    ///   Properties:
    ///     BrokerName: orders
    ///     EngineType: ACTIVEMQ
    ///     PubliclyAccessible: false
    /// ```
    ///
    /// ## Fix
    /// Set `EncryptionOptions: {UseAwsOwnedKey: false, KmsKeyId: ...}`.
    pub struct MqBrokerEncryptionOptions {
        id: "SEC057",
        name: "mq-broker-encryption-options",
        title: "Amazon MQ brokers choose their encryption key",
        severity: Low,
        resource_types: [
            "AWS::AmazonMQ::Broker",
        ],
        equivalents: { "cfn_nag": ["W53"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::AmazonMQ::Broker"],
    path: "EncryptionOptions",
    expect: Expect::Set,
    what: "its data is encrypted with a key AWS owns, which you cannot audit or revoke",
}];

impl Rule for MqBrokerEncryptionOptions {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC057", "tests/fixtures/sec057.yaml"));
    }
}
