use std::collections::HashSet;

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
        // The policies' `Bucket` values, indexed once: by the id a lone `Ref` names, by
        // a literal name, or else as written (a scan of every policy for each bucket
        // would cost their product on a large template).
        let mut referenced: HashSet<&str> = HashSet::new();
        let mut named: HashSet<&str> = HashSet::new();
        let mut written: Vec<&Value> = Vec::new();
        for target in t
            .resources_of_type("AWS::S3::BucketPolicy")
            .filter_map(|p| p.property("Bucket").map(|b| b.value()))
        {
            match (target.get("Ref"), target) {
                (Some(id), Value::Object(m)) if m.len() == 1 => {
                    referenced.extend(id.as_str());
                }
                (_, Value::String(name)) => {
                    named.insert(name);
                }
                _ => written.push(target),
            }
        }
        for b in t.resources_of_types(Self::META.resource_types) {
            let name = b.property("BucketName").map(|n| n.value());
            let covered = referenced.contains(b.id)
                || name.is_some_and(|name| match name {
                    Value::String(s) => named.contains(s.as_str()),
                    _ => written.contains(&name),
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
