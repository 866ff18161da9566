use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that CloudFront distributions set `DistributionConfig.WebACLId`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A web ACL at the edge blocks common exploits, bad bots and floods before they
    /// reach the origin.
    ///
    /// ## Example
    /// ```yaml
    /// Cdn:
    ///   Type: AWS::CloudFront::Distribution
    ///   Properties:
    ///     DistributionConfig:
    ///       Enabled: true
    /// ```
    ///
    /// ## Fix
    /// Create an `AWS::WAFv2::WebACL` with `Scope: CLOUDFRONT` and set `WebACLId` to
    /// its ARN.
    pub struct CloudfrontWaf {
        id: "SEC092",
        name: "cloudfront-waf",
        title: "CloudFront distributions have a web ACL",
        severity: Low,
        resource_types: [
            "AWS::CloudFront::Distribution",
        ],
        equivalents: { "checkov": ["CKV_AWS_68"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::CloudFront::Distribution"],
    path: "DistributionConfig/WebACLId",
    expect: Expect::Set,
    what: "no WAF rules filter the requests it forwards",
}];

impl Rule for CloudfrontWaf {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC092", "tests/fixtures/sec092.yaml"));
    }
}
