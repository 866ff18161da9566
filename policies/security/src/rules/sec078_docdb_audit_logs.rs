use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that DocumentDB cluster parameter groups set the `audit_logs` parameter
    /// (`enabled`, `all`, `ddl`, `dml_read` or `dml_write`).
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Audit logs record authentication attempts and changes to users and collections:
    /// the trail an investigation needs.
    ///
    /// ## Example
    /// ```yaml
    /// Params:
    ///   Type: AWS::DocDB::DBClusterParameterGroup
    ///   Properties:
    ///     Description: params
    ///     Family: docdb5.0
    ///     Parameters:
    ///       tls: enabled
    /// ```
    ///
    /// ## Fix
    /// Set `Parameters: {audit_logs: enabled}` and export the `audit` log from the
    /// cluster.
    pub struct DocdbAuditLogs {
        id: "SEC078",
        name: "docdb-audit-logs",
        title: "DocumentDB parameter groups turn on audit logs",
        severity: Low,
        resource_types: [
            "AWS::DocDB::DBClusterParameterGroup",
        ],
        equivalents: { "checkov": ["CKV_AWS_104"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::DocDB::DBClusterParameterGroup"],
    path: "Parameters/audit_logs",
    expect: Expect::OneOf(&["enabled", "all", "ddl", "dml_read", "dml_write"]),
    what: "clusters using it do not record authentication and schema changes",
}];

impl Rule for DocdbAuditLogs {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC078", "tests/fixtures/sec078.yaml"));
    }
}
