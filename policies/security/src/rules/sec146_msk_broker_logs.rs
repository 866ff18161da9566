use preflight_policy::prelude::*;

use crate::support::{absent_at, truthy};

declare_rule! {
    /// ## What it does
    /// Checks that MSK clusters turn on broker log delivery (`LoggingInfo.BrokerLogs` with
    /// `CloudWatchLogs`, `Firehose` or `S3` `Enabled: true`), as checkov's CKV_AWS_80 does.
    ///
    /// ## Why is this bad?
    /// Broker logs record client connections and authentication failures: without them a
    /// misuse of the cluster leaves no trace.
    ///
    /// ## Example
    /// ```yaml
    /// Kafka:
    ///   Type: AWS::MSK::Cluster
    ///   Properties:
    ///     ClusterName: events
    /// ```
    ///
    /// ## Fix
    /// Set `LoggingInfo.BrokerLogs.CloudWatchLogs: {Enabled: true, LogGroup: ...}` (or
    /// `Firehose`, `S3`).
    pub struct MskBrokerLogs {
        id: "SEC146",
        name: "msk-broker-logs",
        title: "MSK clusters deliver broker logs",
        severity: Low,
        resource_types: [
            "AWS::MSK::Cluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_80"] },
    }
}

impl Rule for MskBrokerLogs {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let logs = r.property_path("LoggingInfo/BrokerLogs");
            if logs.as_ref().is_some_and(|l| l.is_intrinsic()) {
                continue;
            }
            let on = logs.as_ref().is_some_and(|l| {
                ["CloudWatchLogs", "Firehose", "S3"]
                    .iter()
                    .any(|k| truthy(&t, l.get(k).and_then(|d| d.get("Enabled")).as_ref()))
            });
            if !on {
                let at = logs.unwrap_or_else(|| absent_at(&r));
                out.add(
                    &at,
                    format!("MSK cluster `{}` delivers no broker logs", r.id),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC146", "tests/fixtures/sec146.yaml"));
    }
}
