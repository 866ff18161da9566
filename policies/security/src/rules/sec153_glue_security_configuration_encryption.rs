use preflight_policy::prelude::*;

use crate::support::{absent_at, lit};

declare_rule! {
    /// ## What it does
    /// Checks the `EncryptionConfiguration` of Glue security configurations, as checkov's
    /// CKV_AWS_99 does: CloudWatch logs (`CloudWatchEncryption.CloudWatchEncryptionMode`), job
    /// bookmarks (`JobBookmarksEncryption.JobBookmarksEncryptionMode`) and S3 data
    /// (`S3Encryptions[].S3EncryptionMode`) must each have a mode other than `DISABLED`.
    ///
    /// ## Why is this bad?
    /// A Glue job writes its data, its logs and its bookmarks; each one left unencrypted is a
    /// copy of the data outside the encryption policy.
    ///
    /// ## Example
    /// ```yaml
    /// Config:
    ///   Type: AWS::Glue::SecurityConfiguration
    ///   Properties:
    ///     Name: jobs
    ///     EncryptionConfiguration:
    ///       S3Encryptions:
    ///         - S3EncryptionMode: SSE-S3
    /// ```
    ///
    /// ## Fix
    /// Set `CloudWatchEncryptionMode: SSE-KMS`, `JobBookmarksEncryptionMode: CSE-KMS` and an
    /// `S3EncryptionMode` with a KMS key.
    pub struct GlueSecurityConfigurationEncryption {
        id: "SEC153",
        name: "glue-security-configuration-encryption",
        title: "Glue security configurations encrypt everything",
        severity: Medium,
        resource_types: [
            "AWS::Glue::SecurityConfiguration",
        ],
        equivalents: { "checkov": ["CKV_AWS_99"] },
    }
}

impl Rule for GlueSecurityConfigurationEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let config = r.property("EncryptionConfiguration");
            if config.as_ref().is_some_and(|c| c.is_intrinsic()) {
                continue;
            }
            let mode = |p: &str| {
                config
                    .as_ref()
                    .and_then(|c| c.path(p))
                    .map(|n| lit(&t, &n).unwrap_or_default())
                    .is_some_and(|m| m != "DISABLED")
            };
            let s3 = config
                .as_ref()
                .and_then(|c| c.get("S3Encryptions"))
                .is_some_and(|list| {
                    list.one_or_many().iter().any(|e| {
                        e.get("S3EncryptionMode")
                            .map(|n| lit(&t, &n).unwrap_or_default())
                            .is_some_and(|m| m != "DISABLED")
                    })
                });
            let mut missing = Vec::new();
            if !mode("CloudWatchEncryption/CloudWatchEncryptionMode") {
                missing.push("CloudWatch logs");
            }
            if !mode("JobBookmarksEncryption/JobBookmarksEncryptionMode") {
                missing.push("job bookmarks");
            }
            if !s3 {
                missing.push("S3 data");
            }
            if !missing.is_empty() {
                let at = config.unwrap_or_else(|| absent_at(&r));
                out.add(
                    &at,
                    format!(
                        "Glue security configuration `{}` does not encrypt {}",
                        r.id,
                        missing.join(", ")
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
        insta::assert_snapshot!(render_rule("SEC153", "tests/fixtures/sec153.yaml"));
    }
}
