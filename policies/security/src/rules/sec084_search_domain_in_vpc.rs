use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that OpenSearch Service and Elasticsearch domains set `VPCOptions`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A public domain endpoint can be reached, probed and attacked from anywhere; only
    /// its access policy stands in the way.
    ///
    /// ## Example
    /// ```yaml
    /// Search:
    ///   Type: AWS::Elasticsearch::Domain
    ///   Properties:
    ///     ElasticsearchVersion: "7.10"
    /// ```
    ///
    /// ## Fix
    /// Set `VPCOptions` with subnets and security groups.
    pub struct SearchDomainInVpc {
        id: "SEC084",
        name: "search-domain-in-vpc",
        title: "OpenSearch and Elasticsearch domains are in a VPC",
        severity: Low,
        resource_types: [
            "AWS::Elasticsearch::Domain",
            "AWS::OpenSearchService::Domain",
        ],
        equivalents: { "cfn_nag": ["W90"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &[
        "AWS::Elasticsearch::Domain",
        "AWS::OpenSearchService::Domain",
    ],
    path: "VPCOptions",
    expect: Expect::Set,
    what: "its endpoint is on the internet, protected by its access policy alone",
}];

impl Rule for SearchDomainInVpc {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC084", "tests/fixtures/sec084.yaml"));
    }
}
