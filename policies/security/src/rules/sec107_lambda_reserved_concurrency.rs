use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Lambda functions (`AWS::Lambda::Function`, SAM
    /// `AWS::Serverless::Function`, with `Globals`) set `ReservedConcurrentExecutions`.
    /// Opinionated: reported at info severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A reserved concurrency both guarantees the function capacity and caps it, so a
    /// flood of events neither starves other functions nor runs up the bill.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Handler: app.handler
    ///     Runtime: python3.12
    ///     CodeUri: src/
    /// ```
    ///
    /// ## Fix
    /// Set `ReservedConcurrentExecutions`, or disable this rule.
    pub struct LambdaReservedConcurrency {
        id: "SEC107",
        name: "lambda-reserved-concurrency",
        title: "Lambda functions reserve their concurrency",
        severity: Info,
        resource_types: [
            "AWS::Lambda::Function",
            "AWS::Serverless::Function",
        ],
        equivalents: { "cfn_nag": ["W92"], "checkov": ["CKV_AWS_115"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Lambda::Function", "AWS::Serverless::Function"],
    path: "ReservedConcurrentExecutions",
    expect: Expect::Set,
    what: "one burst can use the whole account's concurrency, and there is no cap on its cost",
}];

impl Rule for LambdaReservedConcurrency {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC107", "tests/fixtures/sec107.yaml"));
    }
}
