use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that ECR repositories set `ImageScanningConfiguration.ScanOnPush: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Scanning on push finds known vulnerabilities in an image before it is deployed.
    ///
    /// ## Example
    /// ```yaml
    /// Repo:
    ///   Type: AWS::ECR::Repository
    ///   Properties:
    ///     ImageTagMutability: IMMUTABLE
    /// ```
    ///
    /// ## Fix
    /// Set `ImageScanningConfiguration: {ScanOnPush: true}` (or use registry-level
    /// enhanced scanning and disable this rule).
    pub struct EcrScanOnPush {
        id: "SEC100",
        name: "ecr-scan-on-push",
        title: "ECR repositories scan images on push",
        severity: Low,
        resource_types: [
            "AWS::ECR::Repository",
        ],
        equivalents: { "cfn_nag": ["W79"], "checkov": ["CKV_AWS_163"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::ECR::Repository"],
    path: "ImageScanningConfiguration/ScanOnPush",
    expect: Expect::True,
    what: "pushed images are not scanned for known vulnerabilities",
}];

impl Rule for EcrScanOnPush {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC100", "tests/fixtures/sec100.yaml"));
    }
}
