use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that S3 buckets set `VersioningConfiguration.Status: Enabled`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Versioning keeps every version of every object, so overwrites, deletions and
    /// ransomware can be undone.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
    ///   Type: AWS::S3::Bucket
    ///   Properties:
    ///     BucketName: data
    /// ```
    ///
    /// ## Fix
    /// Set `VersioningConfiguration: {Status: Enabled}` (with a lifecycle rule to
    /// expire old versions).
    pub struct S3Versioning {
        id: "SEC105",
        name: "s3-versioning",
        title: "S3 buckets turn on versioning",
        severity: Low,
        resource_types: [
            "AWS::S3::Bucket",
        ],
        equivalents: { "checkov": ["CKV_AWS_21"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::S3::Bucket"],
    path: "VersioningConfiguration/Status",
    expect: Expect::OneOf(&["Enabled"]),
    what: "an overwrite or delete loses the object for good",
}];

impl Rule for S3Versioning {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC105", "tests/fixtures/sec105.yaml"));
    }
}
