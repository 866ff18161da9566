use preflight_policy::prelude::*;

use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks that each S3 bucket has an `AWS::S3::BucketPolicy` in the template: one whose
    /// `Bucket` is a `Ref` to it, or equals its `BucketName`, as cfn_nag's W51 does.
    /// Opinionated: at info severity.
    ///
    /// ## Why is this bad?
    /// A bucket policy is where TLS-only access (`aws:SecureTransport`), encryption
    /// requirements and cross-account limits are enforced for every caller, whatever their
    /// IAM permissions.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
    ///   Type: AWS::S3::Bucket
    /// ```
    ///
    /// ## Fix
    /// Add an `AWS::S3::BucketPolicy` for the bucket (at least denying requests without
    /// `aws:SecureTransport`).
    pub struct BucketWithoutPolicy {
        id: "SEC127",
        name: "bucket-without-policy",
        title: "S3 buckets have a bucket policy",
        severity: Info,
        resource_types: [
            "AWS::S3::Bucket",
        ],
        equivalents: { "cfn_nag": ["W51"] },
    }
}

impl Rule for BucketWithoutPolicy {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let targets: Vec<&Value> = t
            .resources_of_type("AWS::S3::BucketPolicy")
            .filter_map(|p| p.property("Bucket").map(|b| b.value()))
            .collect();
        for b in t.resources_of_types(Self::META.resource_types) {
            let name = b.property("BucketName").map(|n| n.value());
            let covered = targets.iter().any(|target| match target.get("Ref") {
                Some(id) if target.as_object().is_some_and(|m| m.len() == 1) => {
                    id.as_str() == Some(b.id)
                }
                _ => name == Some(*target),
            });
            if !covered {
                out.add(
                    &b.node,
                    format!("bucket `{}` has no bucket policy in the template", b.id),
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
        insta::assert_snapshot!(render_rule("SEC127", "tests/fixtures/sec127.yaml"));
    }
}
