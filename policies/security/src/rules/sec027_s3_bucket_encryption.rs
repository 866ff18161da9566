use preflight_policy::prelude::*;

use crate::support::is_set;

declare_rule! {
    /// ## What it does
    /// Checks that every S3 bucket declares its encryption at rest (`BucketEncryption`).
    ///
    /// Since January 2023 S3 encrypts every new object with S3-managed keys (SSE-S3)
    /// whatever the template says, so a bucket without `BucketEncryption` is encrypted;
    /// the rule reports it at low severity so that the choice is written down, and so
    /// that data that needs a key you control (SSE-KMS: key policy, CloudTrail record of
    /// every use, revocation) gets one.
    ///
    /// ## Why is this bad?
    /// Relying on the default leaves no record of the intended protection, and SSE-S3
    /// keys cannot be restricted or audited the way a KMS key can.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
    ///   Type: AWS::S3::Bucket
    /// ```
    ///
    /// ## Fix
    /// Add `BucketEncryption.ServerSideEncryptionConfiguration` with `SSEAlgorithm:
    /// aws:kms` (and a `KMSMasterKeyID`) or `AES256`.
    pub struct S3BucketEncryption {
        id: "SEC027",
        name: "s3-bucket-encryption",
        title: "S3 buckets declare their encryption at rest",
        severity: Low,
        resource_types: ["AWS::S3::Bucket"],
        equivalents: { "cfn_nag": ["W41"] },
    }
}

impl Rule for S3BucketEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for bucket in cx.template.resources_of_type("AWS::S3::Bucket") {
            if !is_set(&bucket, "BucketEncryption") {
                let at = bucket.properties().unwrap_or_else(|| bucket.node.clone());
                out.add(
                    &at,
                    format!(
                        "bucket `{}` does not declare `BucketEncryption` (S3 applies SSE-S3 by default)",
                        bucket.id
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
        insta::assert_snapshot!(render_rule("SEC027", "tests/fixtures/sec027.yaml"));
    }
}
