use preflight_policy::prelude::*;

use crate::support::{from_default, text_with_defaults};

declare_rule! {
    /// ## What it does
    /// Checks S3 buckets for a public canned ACL in `AccessControl`: `PublicReadWrite`
    /// (critical), `PublicRead` (high) or `AuthenticatedRead` (medium: any AWS account).
    /// A `!Ref` to a parameter is judged by the parameter's default.
    ///
    /// ## Why is this bad?
    /// A public ACL lets anyone list (and with `PublicReadWrite`, overwrite and delete) the
    /// bucket's objects. Most data leaks from S3 start with one.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
    ///   Type: AWS::S3::Bucket
    ///   Properties:
    ///     AccessControl: PublicRead
    /// ```
    ///
    /// ## Fix
    /// Remove the ACL (new buckets disable ACLs with `ObjectOwnership:
    /// BucketOwnerEnforced`). To serve a website, put CloudFront with origin access
    /// control in front of a private bucket.
    pub struct S3PublicAcl {
        id: "SEC020",
        name: "s3-public-acl",
        title: "S3 buckets do not have a public ACL",
        severity: High,
        resource_types: ["AWS::S3::Bucket"],
        equivalents: { "cfn_nag": ["W31", "F14"], "checkov": ["CKV_AWS_20", "CKV_AWS_57"] },
    }
}

impl Rule for S3PublicAcl {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for bucket in cx.template.resources_of_type("AWS::S3::Bucket") {
            let Some(acl) = bucket.property("AccessControl") else {
                continue;
            };
            let Some((value, param)) = text_with_defaults(&cx.template, &acl) else {
                continue;
            };
            let (severity, what) = match value.as_str() {
                "PublicReadWrite" => (
                    Severity::Critical,
                    "anyone can read, write and delete objects",
                ),
                "PublicRead" => (Severity::High, "anyone can list and read objects"),
                "AuthenticatedRead" => (
                    Severity::Medium,
                    "any AWS account can list and read objects",
                ),
                _ => continue,
            };
            out.add(
                &acl,
                format!(
                    "bucket `{}` has the canned ACL `{value}`{}: {what}",
                    bucket.id,
                    from_default(param)
                ),
            )
            .severity(severity);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC020", "tests/fixtures/sec020.yaml"));
    }
}
