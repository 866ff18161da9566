use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Athena workgroups set
    /// `WorkGroupConfiguration.EnforceWorkGroupConfiguration: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without enforcement each query may choose its own output location and turn off
    /// the encryption of its results.
    ///
    /// ## Example
    /// ```yaml
    /// Analysts:
    ///   Type: AWS::Athena::WorkGroup
    ///   Properties:
    ///     Name: analysts
    ///     WorkGroupConfiguration:
    ///       EnforceWorkGroupConfiguration: false
    /// ```
    ///
    /// ## Fix
    /// Set `WorkGroupConfiguration: {EnforceWorkGroupConfiguration: true}` with a
    /// `ResultConfiguration` that encrypts.
    pub struct AthenaWorkgroupEnforced {
        id: "SEC066",
        name: "athena-workgroup-enforced",
        title: "Athena workgroups enforce their configuration",
        severity: Low,
        resource_types: [
            "AWS::Athena::WorkGroup",
        ],
        equivalents: { "checkov": ["CKV_AWS_82"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Athena::WorkGroup"],
    path: "WorkGroupConfiguration/EnforceWorkGroupConfiguration",
    expect: Expect::True,
    what: "clients may override its result location and encryption",
}];

impl Rule for AthenaWorkgroupEnforced {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC066", "tests/fixtures/sec066.yaml"));
    }
}
