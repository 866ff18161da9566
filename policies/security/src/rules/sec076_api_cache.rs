use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that REST API stages (`AWS::ApiGateway::Stage`, SAM
    /// `AWS::Serverless::Api`) set `CacheClusterEnabled: true`. Opinionated (caching
    /// costs money and is wrong for many APIs): reported at info severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A cache absorbs bursts of repeated requests that would otherwise reach, and may
    /// exhaust, the backend.
    ///
    /// ## Example
    /// ```yaml
    /// Stage:
    ///   Type: AWS::ApiGateway::Stage
    ///   Properties:
    ///     RestApiId: abc123
    ///     StageName: prod
    /// ```
    ///
    /// ## Fix
    /// Set `CacheClusterEnabled: true` with a `CacheClusterSize`, or disable this rule.
    pub struct ApiCache {
        id: "SEC076",
        name: "api-cache",
        title: "API Gateway stages turn on caching",
        severity: Info,
        resource_types: [
            "AWS::ApiGateway::Stage",
            "AWS::Serverless::Api",
        ],
        equivalents: { "checkov": ["CKV_AWS_120"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::ApiGateway::Stage", "AWS::Serverless::Api"],
    path: "CacheClusterEnabled",
    expect: Expect::True,
    what: "every request reaches the backend",
}];

impl Rule for ApiCache {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC076", "tests/fixtures/sec076.yaml"));
    }
}
