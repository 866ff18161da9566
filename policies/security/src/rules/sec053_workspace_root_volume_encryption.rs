use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that WorkSpaces set `RootVolumeEncryptionEnabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// The root volume holds the operating system, cached credentials and temporary
    /// files; it can only be encrypted when the WorkSpace is created.
    ///
    /// ## Example
    /// ```yaml
    /// Desk:
    ///   Type: AWS::WorkSpaces::Workspace
    ///   Properties:
    ///     BundleId: wsb-12345
    ///     DirectoryId: d-12345
    ///     UserName: alice
    ///     RootVolumeEncryptionEnabled: false
    /// ```
    ///
    /// ## Fix
    /// Set `RootVolumeEncryptionEnabled: true` and a `VolumeEncryptionKey`.
    pub struct WorkspaceRootVolumeEncryption {
        id: "SEC053",
        name: "workspace-root-volume-encryption",
        title: "WorkSpaces root volumes are encrypted",
        severity: Medium,
        resource_types: [
            "AWS::WorkSpaces::Workspace",
        ],
        equivalents: { "checkov": ["CKV_AWS_156"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::WorkSpaces::Workspace"],
    path: "RootVolumeEncryptionEnabled",
    expect: Expect::True,
    what: "the system drive (C:) is not encrypted at rest",
}];

impl Rule for WorkspaceRootVolumeEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC053", "tests/fixtures/sec053.yaml"));
    }
}
