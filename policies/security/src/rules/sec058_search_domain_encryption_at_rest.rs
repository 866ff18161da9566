use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that OpenSearch Service and Elasticsearch domains set
    /// `EncryptionAtRestOptions.Enabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Search indices often copy the most sensitive fields of other stores;
    /// unencrypted, they sit in the clear on the domain's volumes and snapshots.
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
    /// Set `EncryptionAtRestOptions: {Enabled: true}` (with `KmsKeyId` for a key you
    /// control).
    pub struct SearchDomainEncryptionAtRest {
        id: "SEC058",
        name: "search-domain-encryption-at-rest",
        title: "OpenSearch and Elasticsearch domains are encrypted at rest",
        severity: Medium,
        resource_types: [
            "AWS::Elasticsearch::Domain",
            "AWS::OpenSearchService::Domain",
        ],
        equivalents: { "cfn_nag": ["W54"], "checkov": ["CKV_AWS_5"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &[
        "AWS::Elasticsearch::Domain",
        "AWS::OpenSearchService::Domain",
    ],
    path: "EncryptionAtRestOptions/Enabled",
    expect: Expect::True,
    what: "its indices, logs and automated snapshots are not encrypted at rest",
}];

impl Rule for SearchDomainEncryptionAtRest {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC058", "tests/fixtures/sec058.yaml"));
    }
}
