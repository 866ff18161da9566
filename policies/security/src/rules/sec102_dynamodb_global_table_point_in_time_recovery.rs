use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that the first replica of a DynamoDB global table sets
    /// `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true` (as
    /// checkov).
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Point-in-time recovery is the way back from a bad write; on a global table the
    /// write reaches every replica.
    ///
    /// ## Example
    /// ```yaml
    /// Global:
    ///   Type: AWS::DynamoDB::GlobalTable
    ///   Properties:
    ///     Replicas:
    ///       - Region: us-east-1
    /// ```
    ///
    /// ## Fix
    /// Set `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}` on
    /// each replica.
    pub struct DynamodbGlobalTablePointInTimeRecovery {
        id: "SEC102",
        name: "dynamodb-global-table-point-in-time-recovery",
        title: "DynamoDB global tables turn on point-in-time recovery",
        severity: Low,
        resource_types: [
            "AWS::DynamoDB::GlobalTable",
        ],
        equivalents: { "checkov": ["CKV_AWS_165"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::DynamoDB::GlobalTable"],
    path: "Replicas/0/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled",
    expect: Expect::True,
    what: "an overwrite of its first replica cannot be rolled back",
}];

impl Rule for DynamodbGlobalTablePointInTimeRecovery {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC102", "tests/fixtures/sec102.yaml"));
    }
}
