use preflight_policy::prelude::*;

use crate::support::{lit, truthy};

declare_rule! {
    /// ## What it does
    /// Reports CodeBuild projects whose S3 `Artifacts` set `EncryptionDisabled: true`, as
    /// checkov's CKV_AWS_78 does.
    ///
    /// ## Why is this bad?
    /// Build artifacts are what gets deployed: unencrypted, they can be read from the bucket,
    /// and the build's output is an easy place to look for secrets.
    ///
    /// ## Example
    /// ```yaml
    /// Project:
    ///   Type: AWS::CodeBuild::Project
    ///   Properties:
    ///     Artifacts:
    ///       Type: S3
    ///       Location: artifacts
    ///       EncryptionDisabled: true
    /// ```
    ///
    /// ## Fix
    /// Remove `EncryptionDisabled` (artifacts are encrypted with the project's KMS key by
    /// default).
    pub struct CodebuildArtifactEncryption {
        id: "SEC144",
        name: "codebuild-artifact-encryption",
        title: "CodeBuild S3 artifacts are encrypted",
        severity: Medium,
        resource_types: [
            "AWS::CodeBuild::Project",
        ],
        equivalents: { "checkov": ["CKV_AWS_78"] },
    }
}

impl Rule for CodebuildArtifactEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let Some(artifacts) = r.property("Artifacts") else {
                continue;
            };
            let kind = artifacts.get("Type").and_then(|n| lit(&t, &n));
            let Some(disabled) = artifacts.get("EncryptionDisabled") else {
                continue;
            };
            if kind.as_deref() == Some("S3") && truthy(&t, Some(&disabled)) {
                out.add(
                    &disabled,
                    format!(
                        "CodeBuild project `{}` stores its S3 artifacts unencrypted",
                        r.id
                    ),
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
        insta::assert_snapshot!(render_rule("SEC144", "tests/fixtures/sec144.yaml"));
    }
}
