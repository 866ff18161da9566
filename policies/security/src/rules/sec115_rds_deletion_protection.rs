use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_one, lit};

declare_rule! {
    /// ## What it does
    /// Checks that RDS instances set `DeletionProtection: true`, as cfn_nag's F80 does.
    /// Instances of an Aurora cluster (`Engine` `aurora`, `aurora-mysql`, `aurora-postgresql`)
    /// are exempt: the cluster's setting protects them.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided at deploy
    /// time and not reported.
    ///
    /// ## Why is this bad?
    /// Without it, one `DeleteDBInstance` call, or a stack update that replaces or removes the
    /// resource, deletes the database.
    ///
    /// ## Example
    /// ```yaml
    /// Database:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     Engine: postgres
    ///     DBInstanceClass: db.t4g.micro
    /// ```
    ///
    /// ## Fix
    /// Set `DeletionProtection: true` (and a `DeletionPolicy: Snapshot`).
    pub struct RdsDeletionProtection {
        id: "SEC115",
        name: "rds-deletion-protection",
        title: "RDS instances turn on deletion protection",
        severity: Low,
        resource_types: [
            "AWS::RDS::DBInstance",
        ],
        equivalents: { "cfn_nag": ["F80"] },
    }
}

const REQUIREMENT: Requirement = Requirement {
    types: &["AWS::RDS::DBInstance"],
    path: "DeletionProtection",
    expect: Expect::True,
    what: "one API call or stack change deletes the database",
};

/// Aurora engines: their instances are protected by the cluster.
const AURORA: &[&str] = &["aurora", "aurora-mysql", "aurora-postgresql"];

impl Rule for RdsDeletionProtection {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let engine = r.property("Engine").and_then(|n| lit(&t, &n));
            if engine.is_some_and(|e| AURORA.contains(&e.as_str())) {
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
        insta::assert_snapshot!(render_rule("SEC115", "tests/fixtures/sec115.yaml"));
    }
}
