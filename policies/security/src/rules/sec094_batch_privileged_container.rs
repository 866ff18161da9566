use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Batch job definitions do not set `ContainerProperties.Privileged:
    /// true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A privileged container can do anything the host's root user can: escape the
    /// container, read other jobs' data, and use the instance role.
    ///
    /// ## Example
    /// ```yaml
    /// Job:
    ///   Type: AWS::Batch::JobDefinition
    ///   Properties:
    ///     Type: container
    ///     ContainerProperties:
    ///       Image: busybox
    ///       Privileged: true
    /// ```
    ///
    /// ## Fix
    /// Remove `Privileged`, and grant the specific Linux capabilities the job needs.
    pub struct BatchPrivilegedContainer {
        id: "SEC094",
        name: "batch-privileged-container",
        title: "Batch job definitions do not run privileged containers",
        severity: Medium,
        resource_types: [
            "AWS::Batch::JobDefinition",
        ],
        equivalents: { "cfn_nag": ["W34"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Batch::JobDefinition"],
    path: "ContainerProperties/Privileged",
    expect: Expect::NotTrue,
    what: "its container has root access to the host",
}];

impl Rule for BatchPrivilegedContainer {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC094", "tests/fixtures/sec094.yaml"));
    }
}
