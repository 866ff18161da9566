use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that OpenSearch Service and Elasticsearch domains set
    /// `NodeToNodeEncryptionOptions.Enabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without node-to-node encryption, shard replication and queries between nodes
    /// travel unencrypted inside the VPC.
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
    /// Set `NodeToNodeEncryptionOptions: {Enabled: true}`.
    pub struct SearchDomainNodeToNodeEncryption {
        id: "SEC071",
        name: "search-domain-node-to-node-encryption",
        title: "OpenSearch and Elasticsearch domains encrypt traffic between nodes",
        severity: Medium,
        resource_types: [
            "AWS::Elasticsearch::Domain",
            "AWS::OpenSearchService::Domain",
        ],
        equivalents: { "cfn_nag": ["W85"], "checkov": ["CKV_AWS_6"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &[
        "AWS::Elasticsearch::Domain",
        "AWS::OpenSearchService::Domain",
    ],
    path: "NodeToNodeEncryptionOptions/Enabled",
    expect: Expect::True,
    what: "its nodes exchange data in plaintext",
}];

impl Rule for SearchDomainNodeToNodeEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC071", "tests/fixtures/sec071.yaml"));
    }
}
