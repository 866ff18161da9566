use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that OpenSearch Service and Elasticsearch domains set
    /// `LogPublishingOptions.AUDIT_LOGS.Enabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Audit logs are the only record of which user ran which request against the
    /// domain.
    ///
    /// ## Example
    /// ```yaml
    /// Search:
    ///   Type: AWS::OpenSearchService::Domain
    ///   Properties:
    ///     EngineVersion: OpenSearch_2.11
    /// ```
    ///
    /// ## Fix
    /// Set `LogPublishingOptions: {AUDIT_LOGS: {Enabled: true,
    /// CloudWatchLogsLogGroupArn: ...}}` (fine-grained access control must be on).
    pub struct SearchDomainAuditLogs {
        id: "SEC079",
        name: "search-domain-audit-logs",
        title: "OpenSearch and Elasticsearch domains publish audit logs",
        severity: Low,
        resource_types: [
            "AWS::Elasticsearch::Domain",
            "AWS::OpenSearchService::Domain",
        ],
        equivalents: { "checkov": ["CKV_AWS_317"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &[
        "AWS::Elasticsearch::Domain",
        "AWS::OpenSearchService::Domain",
    ],
    path: "LogPublishingOptions/AUDIT_LOGS/Enabled",
    expect: Expect::True,
    what: "who read or changed which index is not recorded",
}];

impl Rule for SearchDomainAuditLogs {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC079", "tests/fixtures/sec079.yaml"));
    }
}
