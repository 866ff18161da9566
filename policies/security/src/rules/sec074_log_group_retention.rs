use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that CloudWatch Logs log groups set `RetentionInDays`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Logs kept forever accumulate personal data and secrets printed by mistake, and
    /// cost grows without bound; most data-protection regimes require a retention
    /// period.
    ///
    /// ## Example
    /// ```yaml
    /// Logs:
    ///   Type: AWS::Logs::LogGroup
    ///   Properties:
    ///     LogGroupName: /app/orders
    /// ```
    ///
    /// ## Fix
    /// Set `RetentionInDays` to the period your policy requires.
    pub struct LogGroupRetention {
        id: "SEC074",
        name: "log-group-retention",
        title: "Log groups expire their data",
        severity: Low,
        resource_types: [
            "AWS::Logs::LogGroup",
        ],
        equivalents: { "cfn_nag": ["W86"], "checkov": ["CKV_AWS_66"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Logs::LogGroup"],
    path: "RetentionInDays",
    expect: Expect::Set,
    what: "its events are kept forever",
}];

impl Rule for LogGroupRetention {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC074", "tests/fixtures/sec074.yaml"));
    }
}
