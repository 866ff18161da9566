use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that WorkSpaces set `UserVolumeEncryptionEnabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// The user volume holds the user's documents and profile; it can only be encrypted
    /// when the WorkSpace is created.
    ///
    /// ## Example
    /// ```yaml
    /// Desk:
    ///   Type: AWS::WorkSpaces::Workspace
    ///   Properties:
    ///     BundleId: wsb-12345
    ///     DirectoryId: d-12345
    ///     UserName: alice
    /// ```
    ///
    /// ## Fix
    /// Set `UserVolumeEncryptionEnabled: true` and a `VolumeEncryptionKey`.
    pub struct WorkspaceUserVolumeEncryption {
        id: "SEC052",
        name: "workspace-user-volume-encryption",
        title: "WorkSpaces user volumes are encrypted",
        severity: Medium,
        resource_types: [
            "AWS::WorkSpaces::Workspace",
        ],
        equivalents: { "cfn_nag": ["F29"], "checkov": ["CKV_AWS_155"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::WorkSpaces::Workspace"],
    path: "UserVolumeEncryptionEnabled",
    expect: Expect::True,
    what: "the user's files (the D: drive) are not encrypted at rest",
}];

impl Rule for WorkspaceUserVolumeEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC052", "tests/fixtures/sec052.yaml"));
    }
}
