use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that DynamoDB tables set
    /// `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Point-in-time recovery restores the table to any second of the last 35 days: the
    /// way back from a bad deploy, a bug or ransomware.
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
    /// Set `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}`.
    pub struct DynamodbPointInTimeRecovery {
        id: "SEC101",
        name: "dynamodb-point-in-time-recovery",
        title: "DynamoDB tables turn on point-in-time recovery",
        severity: Low,
        resource_types: [
            "AWS::DynamoDB::Table",
        ],
        equivalents: { "cfn_nag": ["W78"], "checkov": ["CKV_AWS_28"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::DynamoDB::Table"],
    path: "PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled",
    expect: Expect::True,
    what: "an accidental or malicious overwrite cannot be rolled back",
}];

impl Rule for DynamodbPointInTimeRecovery {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC101", "tests/fixtures/sec101.yaml"));
    }
}
