use preflight_policy::prelude::*;

use crate::support::is_set;

declare_rule! {
    /// ## What it does
    /// Checks that SNS topics are encrypted at rest: `KmsMasterKeyId` set (the AWS managed
    /// `alias/aws/sns` or a customer managed key). SNS does not encrypt topics by default.
    ///
    /// ## Why is this bad?
    /// Messages are stored unencrypted while SNS delivers them; notification payloads
    /// often carry personal or business data.
    ///
    /// ## Example
    /// ```yaml
    /// Topic:
    ///   Type: AWS::SNS::Topic
    /// ```
    ///
    /// ## Fix
    /// Set `KmsMasterKeyId` (a customer managed key lets you grant publishers, such as
    /// CloudWatch alarms or S3 events, the use of the key).
    pub struct SnsTopicEncryption {
        id: "SEC031",
        name: "sns-topic-encryption",
        title: "SNS topics are encrypted",
        severity: Low,
        resource_types: ["AWS::SNS::Topic"],
        equivalents: { "cfn_nag": ["W47"], "checkov": ["CKV_AWS_26"] },
    }
}

impl Rule for SnsTopicEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for topic in cx.template.resources_of_type("AWS::SNS::Topic") {
            if !is_set(&topic, "KmsMasterKeyId") {
                let at = topic.properties().unwrap_or_else(|| topic.node.clone());
                out.add(
                    &at,
                    format!("topic `{}` sets no `KmsMasterKeyId`: its messages are not encrypted at rest", topic.id),
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
        insta::assert_snapshot!(render_rule("SEC031", "tests/fixtures/sec031.yaml"));
    }
}
