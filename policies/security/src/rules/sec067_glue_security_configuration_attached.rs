use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Glue crawlers (`CrawlerSecurityConfiguration`), jobs and development
    /// endpoints (`SecurityConfiguration`) name a Glue security configuration.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// The security configuration is where Glue is told to encrypt job output in S3,
    /// logs and job bookmarks; without one none of them is encrypted with your key.
    ///
    /// ## Example
    /// ```yaml
    /// Etl:
    ///   Type: AWS::Glue::Job
    ///   Properties:
    ///     Role: arn:aws:iam::123456789012:role/glue
    ///     Command: {Name: glueetl, ScriptLocation: s3://scripts/etl.py}
    /// ```
    ///
    /// ## Fix
    /// Create an `AWS::Glue::SecurityConfiguration` and reference it.
    pub struct GlueSecurityConfigurationAttached {
        id: "SEC067",
        name: "glue-security-configuration-attached",
        title: "Glue crawlers, jobs and development endpoints have a security configuration",
        severity: Low,
        resource_types: [
            "AWS::Glue::Crawler",
            "AWS::Glue::DevEndpoint",
            "AWS::Glue::Job",
        ],
        equivalents: { "checkov": ["CKV_AWS_195"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        types: &["AWS::Glue::Crawler"],
        path: "CrawlerSecurityConfiguration",
        expect: Expect::Set,
        what: "what it writes to S3 and CloudWatch Logs is not encrypted with your settings",
    },
    Requirement {
        types: &["AWS::Glue::DevEndpoint", "AWS::Glue::Job"],
        path: "SecurityConfiguration",
        expect: Expect::Set,
        what: "what it writes to S3 and CloudWatch Logs is not encrypted with your settings",
    },
];

impl Rule for GlueSecurityConfigurationAttached {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC067", "tests/fixtures/sec067.yaml"));
    }
}
