use preflight_policy::prelude::*;

use crate::support::{Flag, flag, is_set};

declare_rule! {
    /// ## What it does
    /// Checks CloudTrail trails: logging turned off (`IsLogging: false`, high), log file
    /// validation not turned on (`EnableLogFileValidation`, medium), a single-region
    /// trail (`IsMultiRegionTrail`, low) and log files not encrypted with a KMS key
    /// (`KMSKeyId`, low).
    ///
    /// ## Why is this bad?
    /// CloudTrail is the record of every API call in the account. Without validation,
    /// someone who gets into the log bucket can alter the record undetected; a
    /// single-region trail misses activity in the other regions, where attackers like to
    /// work.
    ///
    /// ## Example
    /// ```yaml
    /// Trail:
    ///   Type: AWS::CloudTrail::Trail
    ///   Properties:
    ///     IsLogging: true
    ///     S3BucketName: !Ref TrailBucket
    /// ```
    ///
    /// ## Fix
    /// Set `EnableLogFileValidation: true`, `IsMultiRegionTrail: true` and a `KMSKeyId`.
    pub struct CloudTrailLogging {
        id: "SEC048",
        name: "cloudtrail-logging",
        title: "CloudTrail trails log everywhere, validated and encrypted",
        severity: Medium,
        resource_types: ["AWS::CloudTrail::Trail"],
        equivalents: { "checkov": ["CKV_AWS_35", "CKV_AWS_36", "CKV_AWS_67"] },
    }
}

impl Rule for CloudTrailLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for trail in t.resources_of_type("AWS::CloudTrail::Trail") {
            let at = || trail.properties().unwrap_or_else(|| trail.node.clone());
            if let Flag::Off(Some((node, _))) = flag(&t, &trail, "IsLogging") {
                out.add(
                    &node,
                    format!("trail `{}` does not log (`IsLogging: false`)", trail.id),
                )
                .severity(Severity::High);
            }
            if let Flag::Off(off) = flag(&t, &trail, "EnableLogFileValidation") {
                let node = off.map(|(n, _)| n).unwrap_or_else(at);
                out.add(
                    &node,
                    format!(
                        "trail `{}` does not turn on `EnableLogFileValidation`",
                        trail.id
                    ),
                );
            }
            if let Flag::Off(off) = flag(&t, &trail, "IsMultiRegionTrail") {
                let node = off.map(|(n, _)| n).unwrap_or_else(at);
                out.add(
                    &node,
                    format!(
                        "trail `{}` logs one region only (`IsMultiRegionTrail`)",
                        trail.id
                    ),
                )
                .severity(Severity::Low);
            }
            if !is_set(&trail, "KMSKeyId") {
                out.add(
                    &at(),
                    format!(
                        "trail `{}` sets no `KMSKeyId` to encrypt its log files",
                        trail.id
                    ),
                )
                .severity(Severity::Low);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC048", "tests/fixtures/sec048.yaml"));
    }
}
