use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that RDS instances set `MonitoringInterval` to 1, 5, 10, 15, 30 or 60
    /// seconds. Opinionated: reported at info severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Enhanced monitoring shows processes and resource use on the database host, which
    /// standard metrics do not.
    ///
    /// ## Example
    /// ```yaml
    /// Db:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     Engine: postgres
    ///     DBInstanceClass: db.t4g.micro
    ///     StorageEncrypted: true
    /// ```
    ///
    /// ## Fix
    /// Set `MonitoringInterval` and a `MonitoringRoleArn`.
    pub struct RdsEnhancedMonitoring {
        id: "SEC081",
        name: "rds-enhanced-monitoring",
        title: "RDS instances turn on enhanced monitoring",
        severity: Info,
        resource_types: [
            "AWS::RDS::DBInstance",
        ],
        equivalents: { "checkov": ["CKV_AWS_118"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::RDS::DBInstance"],
    path: "MonitoringInterval",
    expect: Expect::OneOf(&["1", "5", "10", "15", "30", "60"]),
    what: "operating-system metrics of the host are not collected",
}];

impl Rule for RdsEnhancedMonitoring {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC081", "tests/fixtures/sec081.yaml"));
    }
}
