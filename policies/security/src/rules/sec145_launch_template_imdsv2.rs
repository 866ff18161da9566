use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_one, lit};

declare_rule! {
    /// ## What it does
    /// Checks that launch templates set `LaunchTemplateData.MetadataOptions.HttpTokens:
    /// required` (IMDSv2 only), unless they turn the metadata endpoint off (`HttpEndpoint:
    /// disabled`), as checkov's CKV_AWS_79 does.
    ///
    /// ## Why is this bad?
    /// IMDSv1 answers any request from the instance, so a server-side request forgery hands
    /// out the instance role's credentials; IMDSv2's session tokens stop that.
    ///
    /// ## Example
    /// ```yaml
    /// Template:
    ///   Type: AWS::EC2::LaunchTemplate
    ///   Properties:
    ///     LaunchTemplateData:
    ///       ImageId: ami-12345678
    /// ```
    ///
    /// ## Fix
    /// Set `MetadataOptions: {HttpTokens: required}`.
    pub struct LaunchTemplateImdsv2 {
        id: "SEC145",
        name: "launch-template-imdsv2",
        title: "Launch templates require IMDSv2",
        severity: Medium,
        resource_types: [
            "AWS::EC2::LaunchTemplate",
        ],
        equivalents: { "checkov": ["CKV_AWS_79"] },
    }
}

const REQUIREMENT: Requirement = Requirement {
    types: &["AWS::EC2::LaunchTemplate"],
    path: "LaunchTemplateData/MetadataOptions/HttpTokens",
    expect: Expect::OneOf(&["required"]),
    what: "instances answer IMDSv1 requests, so a request forgery can read the role's credentials",
};

impl Rule for LaunchTemplateImdsv2 {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let endpoint = r
                .property_path("LaunchTemplateData/MetadataOptions/HttpEndpoint")
                .and_then(|n| lit(&t, &n));
            if endpoint.as_deref() == Some("disabled") {
                continue;
            }
            check_one(&t, &r, &REQUIREMENT, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC145", "tests/fixtures/sec145.yaml"));
    }
}
