use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that QLDB ledgers do not turn `DeletionProtection` off (it is on by
    /// default).
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A ledger is a system of record; deleting it loses its verifiable history.
    ///
    /// ## Example
    /// ```yaml
    /// Ledger:
    ///   Type: AWS::QLDB::Ledger
    ///   Properties:
    ///     PermissionsMode: STANDARD
    ///     DeletionProtection: false
    /// ```
    ///
    /// ## Fix
    /// Remove `DeletionProtection: false`.
    pub struct QldbDeletionProtection {
        id: "SEC104",
        name: "qldb-deletion-protection",
        title: "QLDB ledgers keep deletion protection on",
        severity: Low,
        resource_types: [
            "AWS::QLDB::Ledger",
        ],
        equivalents: { "checkov": ["CKV_AWS_172"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::QLDB::Ledger"],
    path: "DeletionProtection",
    expect: Expect::OneOfIfSet(&["true"]),
    what: "the ledger and its journal can be deleted",
}];

impl Rule for QldbDeletionProtection {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC104", "tests/fixtures/sec104.yaml"));
    }
}
