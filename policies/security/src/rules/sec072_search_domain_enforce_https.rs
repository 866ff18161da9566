use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that OpenSearch Service and Elasticsearch domains set
    /// `DomainEndpointOptions.EnforceHTTPS: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A domain that accepts HTTP lets clients send queries, documents and credentials
    /// unencrypted.
    ///
    /// ## Example
    /// ```yaml
    /// Search:
    ///   Type: AWS::Elasticsearch::Domain
    ///   Properties:
    ///     ElasticsearchVersion: "7.10"
    ///     DomainEndpointOptions:
    ///       EnforceHTTPS: false
    /// ```
    ///
    /// ## Fix
    /// Set `DomainEndpointOptions: {EnforceHTTPS: true, TLSSecurityPolicy:
    /// Policy-Min-TLS-1-2-2019-07}`.
    pub struct SearchDomainEnforceHttps {
        id: "SEC072",
        name: "search-domain-enforce-https",
        title: "OpenSearch and Elasticsearch domains accept HTTPS only",
        severity: Medium,
        resource_types: [
            "AWS::Elasticsearch::Domain",
            "AWS::OpenSearchService::Domain",
        ],
        equivalents: { "checkov": ["CKV_AWS_83"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &[
        "AWS::Elasticsearch::Domain",
        "AWS::OpenSearchService::Domain",
    ],
    path: "DomainEndpointOptions/EnforceHTTPS",
    expect: Expect::True,
    what: "its endpoint accepts plain HTTP",
}];

impl Rule for SearchDomainEnforceHttps {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC072", "tests/fixtures/sec072.yaml"));
    }
}
