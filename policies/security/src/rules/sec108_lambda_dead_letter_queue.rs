use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Lambda functions set a dead-letter target
    /// (`DeadLetterConfig.TargetArn`; SAM: `DeadLetterQueue.TargetArn`, with
    /// `Globals`). Opinionated (functions invoked synchronously need none): reported at
    /// info severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Asynchronous events that keep failing are discarded after the retries unless a
    /// dead-letter queue or failure destination keeps them.
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
    /// Set a dead-letter queue or topic (or an `OnFailure` destination, and disable
    /// this rule).
    pub struct LambdaDeadLetterQueue {
        id: "SEC108",
        name: "lambda-dead-letter-queue",
        title: "Lambda functions have a dead-letter queue",
        severity: Info,
        resource_types: [
            "AWS::Lambda::Function",
            "AWS::Serverless::Function",
        ],
        equivalents: { "checkov": ["CKV_AWS_116"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        types: &["AWS::Lambda::Function"],
        path: "DeadLetterConfig/TargetArn",
        expect: Expect::Set,
        what: "events that fail every retry of an asynchronous invocation are dropped",
    },
    Requirement {
        types: &["AWS::Serverless::Function"],
        path: "DeadLetterQueue/TargetArn",
        expect: Expect::Set,
        what: "events that fail every retry of an asynchronous invocation are dropped",
    },
];

impl Rule for LambdaDeadLetterQueue {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC108", "tests/fixtures/sec108.yaml"));
    }
}
