use preflight_policy::prelude::*;

use crate::support::{Flag, flag, report_off};

declare_rule! {
    /// ## What it does
    /// Checks that DynamoDB tables (`AWS::DynamoDB::Table`, `AWS::DynamoDB::GlobalTable`,
    /// SAM `AWS::Serverless::SimpleTable`) are encrypted with a KMS key:
    /// `SSESpecification.SSEEnabled: true`, which uses the AWS managed key
    /// `aws/dynamodb`, or a customer managed key given in `KMSMasterKeyId`.
    ///
    /// DynamoDB always encrypts tables at rest; without `SSEEnabled` it uses an AWS
    /// owned key, which you can neither see in your account, nor audit in CloudTrail, nor
    /// revoke. That is what this rule reports, at low severity.
    ///
    /// ## Why is this bad?
    /// With an AWS owned key there is no record of who decrypted the data and no way to
    /// cut off access by disabling the key; compliance regimes often require a KMS key.
    ///
    /// ## Example
    /// ```yaml
    /// Table:
    ///   Type: AWS::DynamoDB::Table
    ///   Properties:
    ///     BillingMode: PAY_PER_REQUEST
    /// ```
    ///
    /// ## Fix
    /// Set `SSESpecification: {SSEEnabled: true}` (and `SSEType: KMS`,
    /// `KMSMasterKeyId` for a customer managed key).
    pub struct DynamoDbTableEncryption {
        id: "SEC030",
        name: "dynamodb-table-encryption",
        title: "DynamoDB tables are encrypted with a KMS key",
        severity: Low,
        resource_types: [
            "AWS::DynamoDB::Table",
            "AWS::DynamoDB::GlobalTable",
            "AWS::Serverless::SimpleTable",
        ],
        equivalents: { "cfn_nag": ["W74"] },
    }
}

impl Rule for DynamoDbTableEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(&[
            "AWS::DynamoDB::Table",
            "AWS::DynamoDB::GlobalTable",
            "AWS::Serverless::SimpleTable",
        ]) {
            if let Flag::Off(off) = flag(&t, &r, "SSESpecification/SSEEnabled") {
                report_off(
                    out,
                    &r,
                    "SSESpecification.SSEEnabled",
                    &off,
                    "it is encrypted with an AWS owned key, not a KMS key",
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
        insta::assert_snapshot!(render_rule("SEC030", "tests/fixtures/sec030.yaml"));
    }
}
