use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that REST API stages (`AWS::ApiGateway::Stage`, SAM
    /// `AWS::Serverless::Api`, with `Globals`) set `TracingEnabled: true`. Opinionated:
    /// reported at info severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without tracing, the path of a suspicious request through the API and its
    /// integrations cannot be reconstructed.
    ///
    /// ## Example
    /// ```yaml
    /// Api:
    ///   Type: AWS::Serverless::Api
    ///   Properties:
    ///     StageName: prod
    /// ```
    ///
    /// ## Fix
    /// Set `TracingEnabled: true` (in `Globals.Api` for every SAM API).
    pub struct ApiTracing {
        id: "SEC075",
        name: "api-tracing",
        title: "API Gateway stages turn on X-Ray tracing",
        severity: Info,
        resource_types: [
            "AWS::ApiGateway::Stage",
            "AWS::Serverless::Api",
        ],
        equivalents: { "checkov": ["CKV_AWS_73"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::ApiGateway::Stage", "AWS::Serverless::Api"],
    path: "TracingEnabled",
    expect: Expect::True,
    what: "requests through it are not traced with X-Ray",
}];

impl Rule for ApiTracing {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC075", "tests/fixtures/sec075.yaml"));
    }
}
