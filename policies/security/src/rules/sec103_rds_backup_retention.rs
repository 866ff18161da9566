use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that RDS instances do not set `BackupRetentionPeriod: 0`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A retention of 0 turns automated backups and point-in-time restore off: a
    /// dropped table is gone.
    ///
    /// ## Example
    /// ```yaml
    /// Db:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     Engine: postgres
    ///     DBInstanceClass: db.t4g.micro
    ///     BackupRetentionPeriod: 0
    /// ```
    ///
    /// ## Fix
    /// Set `BackupRetentionPeriod` to at least 7 (or leave the default of 1).
    pub struct RdsBackupRetention {
        id: "SEC103",
        name: "rds-backup-retention",
        title: "RDS instances keep automated backups",
        severity: Low,
        resource_types: [
            "AWS::RDS::DBInstance",
        ],
        equivalents: { "cfn_nag": ["W75"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::RDS::DBInstance"],
    path: "BackupRetentionPeriod",
    expect: Expect::NoneOf(&["0"]),
    what: "automated backups are turned off",
}];

impl Rule for RdsBackupRetention {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC103", "tests/fixtures/sec103.yaml"));
    }
}
