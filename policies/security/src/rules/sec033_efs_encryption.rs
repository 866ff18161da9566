use preflight_policy::prelude::*;

use crate::support::{Flag, flag, report_off};

declare_rule! {
    /// ## What it does
    /// Checks that EFS file systems are encrypted at rest (`Encrypted: true`). A `!Ref` to
    /// a parameter is judged by its default.
    ///
    /// ## Why is this bad?
    /// Encryption at rest can only be chosen when the file system is created; turning it
    /// on later means creating a new one and copying the data.
    ///
    /// ## Example
    /// ```yaml
    /// FileSystem:
    ///   Type: AWS::EFS::FileSystem
    ///   Properties:
    ///     PerformanceMode: generalPurpose
    /// ```
    ///
    /// ## Fix
    /// Set `Encrypted: true`, with a `KmsKeyId` for a key you control.
    pub struct EfsEncryption {
        id: "SEC033",
        name: "efs-encryption",
        title: "EFS file systems are encrypted",
        severity: Medium,
        resource_types: ["AWS::EFS::FileSystem"],
        equivalents: { "cfn_nag": ["F32"], "checkov": ["CKV_AWS_42"] },
    }
}

impl Rule for EfsEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for fs in t.resources_of_type("AWS::EFS::FileSystem") {
            if let Flag::Off(off) = flag(&t, &fs, "Encrypted") {
                report_off(
                    out,
                    &fs,
                    "Encrypted",
                    &off,
                    "its data is not encrypted at rest",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC033", "tests/fixtures/sec033.yaml"));
    }
}
