use preflight_policy::prelude::*;

use crate::support::{Flag, flag, report_off, text_with_defaults};

declare_rule! {
    /// ## What it does
    /// Checks that symmetric KMS keys (`KeySpec` absent or `SYMMETRIC_DEFAULT`) turn on
    /// automatic rotation (`EnableKeyRotation: true`). Asymmetric and HMAC keys cannot be
    /// rotated automatically and are not judged.
    ///
    /// ## Why is this bad?
    /// Without rotation the same key material protects data for years; rotation limits
    /// how much data one key version encrypts, and is required by most compliance
    /// frameworks.
    ///
    /// ## Example
    /// ```yaml
    /// Key:
    ///   Type: AWS::KMS::Key
    ///   Properties:
    ///     KeyPolicy: ...
    /// ```
    ///
    /// ## Fix
    /// Set `EnableKeyRotation: true` (optionally `RotationPeriodInDays`).
    pub struct KmsKeyRotation {
        id: "SEC035",
        name: "kms-key-rotation",
        title: "KMS keys rotate automatically",
        severity: Medium,
        resource_types: ["AWS::KMS::Key"],
        equivalents: { "cfn_nag": ["F19"], "checkov": ["CKV_AWS_7"] },
    }
}

impl Rule for KmsKeyRotation {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for key in t.resources_of_type("AWS::KMS::Key") {
            let spec = key
                .property("KeySpec")
                .and_then(|n| text_with_defaults(&t, &n));
            if spec.is_some_and(|(s, _)| s != "SYMMETRIC_DEFAULT") {
                continue;
            }
            if let Flag::Off(off) = flag(&t, &key, "EnableKeyRotation") {
                report_off(
                    out,
                    &key,
                    "EnableKeyRotation",
                    &off,
                    "its key material never rotates",
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
        insta::assert_snapshot!(render_rule("SEC035", "tests/fixtures/sec035.yaml"));
    }
}
