use preflight_policy::prelude::*;

use crate::support::{absent_at, describe, truthy};

declare_rule! {
    /// ## What it does
    /// Checks that Elasticsearch and OpenSearch domains publish at least one log type
    /// (`LogPublishingOptions` with an entry `Enabled: true`), as checkov's CKV_AWS_84 does;
    /// SEC079 asks for the audit log in particular.
    ///
    /// ## Why is this bad?
    /// Search, index and error logs show slow or abusive queries and failures; without any
    /// published log the domain's behaviour cannot be reviewed.
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
    /// Publish `INDEX_SLOW_LOGS`, `SEARCH_SLOW_LOGS`, `ES_APPLICATION_LOGS` (and `AUDIT_LOGS`)
    /// to CloudWatch Logs in `LogPublishingOptions`.
    pub struct SearchDomainLogging {
        id: "SEC148",
        name: "search-domain-logging",
        title: "Search domains publish logs",
        severity: Low,
        resource_types: [
            "AWS::Elasticsearch::Domain",
            "AWS::OpenSearchService::Domain",
        ],
        equivalents: { "checkov": ["CKV_AWS_84"] },
    }
}

impl Rule for SearchDomainLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let options = r.property("LogPublishingOptions");
            if options.as_ref().is_some_and(|o| o.is_intrinsic()) {
                continue;
            }
            let on = options.as_ref().is_some_and(|o| {
                o.entries()
                    .any(|(_, v)| truthy(&t, v.get("Enabled").as_ref()))
            });
            if !on {
                let at = options.unwrap_or_else(|| absent_at(&r));
                out.add(&at, format!("{} publishes no logs", describe(&r)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC148", "tests/fixtures/sec148.yaml"));
    }
}
