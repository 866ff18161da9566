use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that QLDB ledgers set `PermissionsMode: STANDARD`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// `ALLOW_ALL` gives table-level access to anyone with API access; `STANDARD` lets
    /// IAM policies grant per table and per command.
    ///
    /// ## Example
    /// ```yaml
    /// Ledger:
    ///   Type: AWS::QLDB::Ledger
    ///   Properties:
    ///     PermissionsMode: ALLOW_ALL
    /// ```
    ///
    /// ## Fix
    /// Set `PermissionsMode: STANDARD`.
    pub struct QldbPermissionsMode {
        id: "SEC098",
        name: "qldb-permissions-mode",
        title: "QLDB ledgers use the STANDARD permissions mode",
        severity: Medium,
        resource_types: [
            "AWS::QLDB::Ledger",
        ],
        equivalents: { "checkov": ["CKV_AWS_170"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::QLDB::Ledger"],
    path: "PermissionsMode",
    expect: Expect::OneOf(&["STANDARD"]),
    what: "any principal allowed `qldb:SendCommand` can run every statement on every table",
}];

impl Rule for QldbPermissionsMode {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC098", "tests/fixtures/sec098.yaml"));
    }
}
