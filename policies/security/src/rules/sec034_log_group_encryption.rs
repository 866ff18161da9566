use preflight_policy::prelude::*;

use crate::support::is_set;

declare_rule! {
    /// ## What it does
    /// Checks that CloudWatch Logs log groups are encrypted with a KMS key (`KmsKeyId`).
    /// CloudWatch Logs always encrypts log data with a service key; the rule reports, at
    /// low severity, log groups that do not use a key you control.
    ///
    /// ## Why is this bad?
    /// Logs often contain request payloads, tokens and personal data. With a KMS key,
    /// reading them needs permission on the key as well as on the logs, and every use is
    /// recorded.
    ///
    /// ## Example
    /// ```yaml
    /// LogGroup:
    ///   Type: AWS::Logs::LogGroup
    ///   Properties:
    ///     RetentionInDays: 30
    /// ```
    ///
    /// ## Fix
    /// Set `KmsKeyId` to the ARN of a KMS key whose policy lets the `logs` service use
    /// it.
    pub struct LogGroupEncryption {
        id: "SEC034",
        name: "log-group-encryption",
        title: "Log groups are encrypted with a KMS key",
        severity: Low,
        resource_types: ["AWS::Logs::LogGroup"],
        equivalents: { "cfn_nag": ["W84"], "checkov": ["CKV_AWS_158"] },
    }
}

impl Rule for LogGroupEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for group in cx.template.resources_of_type("AWS::Logs::LogGroup") {
            if !is_set(&group, "KmsKeyId") {
                let at = group.properties().unwrap_or_else(|| group.node.clone());
                out.add(
                    &at,
                    format!("log group `{}` sets no `KmsKeyId`: it is encrypted with a service key only", group.id),
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
        insta::assert_snapshot!(render_rule("SEC034", "tests/fixtures/sec034.yaml"));
    }
}
