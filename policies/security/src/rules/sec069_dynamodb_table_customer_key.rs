use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that DynamoDB tables set `SSESpecification.KMSMasterKeyId` (a customer
    /// managed key). SEC030 checks that they use a KMS key at all.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Only a customer managed key lets you narrow its key policy, share the table's
    /// backups across accounts, or revoke access by disabling the key.
    ///
    /// ## Example
    /// ```yaml
    /// Table:
    ///   Type: AWS::DynamoDB::Table
    ///   Properties:
    ///     BillingMode: PAY_PER_REQUEST
    ///     SSESpecification:
    ///       SSEEnabled: true
    /// ```
    ///
    /// ## Fix
    /// Set `SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: ...}`.
    pub struct DynamodbTableCustomerKey {
        id: "SEC069",
        name: "dynamodb-table-customer-key",
        title: "DynamoDB tables are encrypted with a customer managed key",
        severity: Info,
        resource_types: [
            "AWS::DynamoDB::Table",
        ],
        equivalents: { "checkov": ["CKV_AWS_119"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::DynamoDB::Table"],
    path: "SSESpecification/KMSMasterKeyId",
    expect: Expect::Set,
    what: "it is encrypted with an AWS owned or AWS managed key, not one you control",
}];

impl Rule for DynamodbTableCustomerKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC069", "tests/fixtures/sec069.yaml"));
    }
}
