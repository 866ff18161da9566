use preflight_policy::prelude::*;

use crate::support::{absent_at, describe, lit};

declare_rule! {
    /// ## What it does
    /// Checks that DocumentDB (checkov's CKV_AWS_360) and Neptune (CKV_AWS_361) clusters keep
    /// backups for at least 7 days (`BackupRetentionPeriod`, default 1).
    ///
    /// ## Why is this bad?
    /// A day of backups is often gone before a corruption or a deletion is noticed.
    ///
    /// ## Example
    /// ```yaml
    /// Docs:
    ///   Type: AWS::DocDB::DBCluster
    ///   Properties:
    ///     BackupRetentionPeriod: 1
    /// ```
    ///
    /// ## Fix
    /// Set `BackupRetentionPeriod: 7` or more.
    pub struct ClusterBackupRetention {
        id: "SEC162",
        name: "cluster-backup-retention",
        title: "DocumentDB and Neptune clusters keep a week of backups",
        severity: Low,
        resource_types: [
            "AWS::DocDB::DBCluster",
            "AWS::Neptune::DBCluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_360", "CKV_AWS_361"] },
    }
}

impl Rule for ClusterBackupRetention {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let node = r.property("BackupRetentionPeriod");
            let days = match &node {
                None => Some(1),
                Some(n) => lit(&t, n).and_then(|d| d.trim().parse::<i64>().ok()),
            };
            match days {
                Some(d) if d < 7 => {
                    let at = node.unwrap_or_else(|| absent_at(&r));
                    out.add(
                        &at,
                        format!(
                            "{} keeps backups for {d} day{}, less than 7",
                            describe(&r),
                            if d == 1 { "" } else { "s" }
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC162", "tests/fixtures/sec162.yaml"));
    }
}
