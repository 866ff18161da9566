use preflight_policy::prelude::*;

use crate::support::{absent_at, describe, lit};

declare_rule! {
    /// ## What it does
    /// Checks the `EnableCloudwatchLogsExports` of DocumentDB clusters (`profiler` or `audit`,
    /// checkov's CKV_AWS_85) and Neptune clusters (`audit`, checkov's CKV_AWS_101).
    ///
    /// ## Why is this bad?
    /// Exported audit logs record who connected and what they ran; without them a database
    /// intrusion goes unseen.
    ///
    /// ## Example
    /// ```yaml
    /// Graph:
    ///   Type: AWS::Neptune::DBCluster
    ///   Properties:
    ///     DBClusterIdentifier: graph
    /// ```
    ///
    /// ## Fix
    /// Set `EnableCloudwatchLogsExports: [audit]` (and for DocumentDB turn on the `audit_logs`
    /// parameter, SEC078).
    pub struct DatabaseLogExports {
        id: "SEC149",
        name: "database-log-exports",
        title: "DocumentDB and Neptune clusters export their logs",
        severity: Low,
        resource_types: [
            "AWS::DocDB::DBCluster",
            "AWS::Neptune::DBCluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_85", "CKV_AWS_101"] },
    }
}

impl Rule for DatabaseLogExports {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let wanted: &[&str] = if r.ty == "AWS::DocDB::DBCluster" {
                &["profiler", "audit"]
            } else {
                &["audit"]
            };
            let exports = r.property("EnableCloudwatchLogsExports");
            if exports.as_ref().is_some_and(|e| e.is_intrinsic()) {
                continue;
            }
            let on = exports.as_ref().is_some_and(|e| {
                e.one_or_many()
                    .iter()
                    .any(|i| lit(&t, i).is_some_and(|v| wanted.contains(&v.as_str())))
            });
            if !on {
                let at = exports.unwrap_or_else(|| absent_at(&r));
                let names = wanted
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                out.add(
                    &at,
                    format!("{} exports no {names} log to CloudWatch Logs", describe(&r)),
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
        insta::assert_snapshot!(render_rule("SEC149", "tests/fixtures/sec149.yaml"));
    }
}
