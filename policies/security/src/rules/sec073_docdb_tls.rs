use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that DocumentDB cluster parameter groups do not set the `tls` parameter
    /// to `disabled`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// With TLS disabled, clients connect to the cluster in plaintext, credentials
    /// included.
    ///
    /// ## Example
    /// ```yaml
    /// Params:
    ///   Type: AWS::DocDB::DBClusterParameterGroup
    ///   Properties:
    ///     Description: params
    ///     Family: docdb5.0
    ///     Parameters:
    ///       tls: disabled
    /// ```
    ///
    /// ## Fix
    /// Remove the `tls` parameter or set it to `enabled`.
    pub struct DocdbTls {
        id: "SEC073",
        name: "docdb-tls",
        title: "DocumentDB parameter groups keep TLS on",
        severity: Medium,
        resource_types: [
            "AWS::DocDB::DBClusterParameterGroup",
        ],
        equivalents: { "checkov": ["CKV_AWS_90"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::DocDB::DBClusterParameterGroup"],
    path: "Parameters/tls",
    expect: Expect::NoneOf(&["disabled"]),
    what: "clusters using it accept unencrypted connections",
}];

impl Rule for DocdbTls {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC073", "tests/fixtures/sec073.yaml"));
    }
}
