use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that DynamoDB tables set `BillingMode` to `PAY_PER_REQUEST` or
    /// `PROVISIONED`. Opinionated: reported at info severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Stating the billing mode makes throttling and cost behaviour a reviewed decision
    /// rather than a default.
    ///
    /// ## Example
    /// ```yaml
    /// Table:
    ///   Type: AWS::DynamoDB::Table
    ///   Properties:
    ///     ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
    /// ```
    ///
    /// ## Fix
    /// Set `BillingMode`.
    pub struct DynamodbBillingMode {
        id: "SEC106",
        name: "dynamodb-billing-mode",
        title: "DynamoDB tables state their billing mode",
        severity: Info,
        resource_types: [
            "AWS::DynamoDB::Table",
        ],
        equivalents: { "cfn_nag": ["W73"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::DynamoDB::Table"],
    path: "BillingMode",
    expect: Expect::OneOf(&["PAY_PER_REQUEST", "PROVISIONED"]),
    what: "its capacity model is left to the default",
}];

impl Rule for DynamodbBillingMode {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC106", "tests/fixtures/sec106.yaml"));
    }
}
