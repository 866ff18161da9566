use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_one, lit};

declare_rule! {
    /// ## What it does
    /// Checks that RDS instances set `MultiAZ: true`, as checkov's CKV_AWS_157 does. Aurora
    /// instances (an `Engine` containing `aurora`) are exempt: the cluster spans zones.
    /// Opinionated: at info severity.
    ///
    /// ## Why is this bad?
    /// A single-zone database goes down with its zone, and failover means a restore.
    ///
    /// ## Example
    /// ```yaml
    /// Database:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     Engine: postgres
    /// ```
    ///
    /// ## Fix
    /// Set `MultiAZ: true` for production databases.
    pub struct RdsMultiAz {
        id: "SEC157",
        name: "rds-multi-az",
        title: "RDS instances run in several availability zones",
        severity: Info,
        resource_types: [
            "AWS::RDS::DBInstance",
        ],
        equivalents: { "checkov": ["CKV_AWS_157"] },
    }
}

const REQUIREMENT: Requirement = Requirement {
    types: &["AWS::RDS::DBInstance"],
    path: "MultiAZ",
    expect: Expect::True,
    what: "the database is down when its availability zone is",
};

impl Rule for RdsMultiAz {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let engine = r.property("Engine").and_then(|n| lit(&t, &n));
            if engine.is_some_and(|e| e.contains("aurora")) {
                continue;
            }
            check_one(&t, &r, &REQUIREMENT, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC157", "tests/fixtures/sec157.yaml"));
    }
}
