use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Amazon MQ brokers set `PubliclyAccessible: false`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A public broker exposes its console and messaging ports to the internet,
    /// protected by its users' passwords alone.
    ///
    /// ## Example
    /// ```yaml
    /// Broker:
    ///   Type: AWS::AmazonMQ::Broker
    ///   Properties:
    ///     BrokerName: orders
    ///     EngineType: ACTIVEMQ
    ///     PubliclyAccessible: true
    /// ```
    ///
    /// ## Fix
    /// Set `PubliclyAccessible: false` and reach the broker through the VPC.
    pub struct MqBrokerPublic {
        id: "SEC088",
        name: "mq-broker-public",
        title: "Amazon MQ brokers are not public",
        severity: High,
        resource_types: [
            "AWS::AmazonMQ::Broker",
        ],
        equivalents: { "checkov": ["CKV_AWS_69"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::AmazonMQ::Broker"],
    path: "PubliclyAccessible",
    expect: Expect::OneOf(&["false"]),
    what: "it can be reached from the internet",
}];

impl Rule for MqBrokerPublic {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC088", "tests/fixtures/sec088.yaml"));
    }
}
