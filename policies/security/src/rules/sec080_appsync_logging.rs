use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that AppSync GraphQL APIs set `LogConfig.CloudWatchLogsRoleArn` and a
    /// `LogConfig.FieldLogLevel` of `ERROR` or `ALL`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without logs, abusive queries and failing resolvers leave no trace.
    ///
    /// ## Example
    /// ```yaml
    /// Graph:
    ///   Type: AWS::AppSync::GraphQLApi
    ///   Properties:
    ///     Name: graph
    ///     AuthenticationType: AWS_IAM
    /// ```
    ///
    /// ## Fix
    /// Set `LogConfig: {CloudWatchLogsRoleArn: ..., FieldLogLevel: ERROR}`.
    pub struct AppsyncLogging {
        id: "SEC080",
        name: "appsync-logging",
        title: "AppSync APIs log to CloudWatch",
        severity: Low,
        resource_types: [
            "AWS::AppSync::GraphQLApi",
        ],
        equivalents: { "checkov": ["CKV_AWS_193", "CKV_AWS_194"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        types: &["AWS::AppSync::GraphQLApi"],
        path: "LogConfig/CloudWatchLogsRoleArn",
        expect: Expect::Set,
        what: "it writes no logs",
    },
    Requirement {
        types: &["AWS::AppSync::GraphQLApi"],
        path: "LogConfig/FieldLogLevel",
        expect: Expect::OneOf(&["ALL", "ERROR"]),
        what: "resolver errors are not logged",
    },
];

impl Rule for AppsyncLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC080", "tests/fixtures/sec080.yaml"));
    }
}
