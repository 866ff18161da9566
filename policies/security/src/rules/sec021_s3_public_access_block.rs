use std::collections::{BTreeMap, HashMap};

use preflight_policy::permissions::{Switch, SwitchState};
use preflight_policy::prelude::*;

use crate::support::model;

declare_rule! {
    /// ## What it does
    /// Checks that every S3 bucket turns on all four settings of
    /// `PublicAccessBlockConfiguration` (`BlockPublicAcls`, `IgnorePublicAcls`,
    /// `BlockPublicPolicy`, `RestrictPublicBuckets`). A setting turned off, or left out of
    /// a configuration that is written, is reported at medium severity. A bucket without
    /// the configuration is reported at low severity: AWS turns all four on for new
    /// buckets, but the template then depends on that default and on nobody changing it.
    ///
    /// ## Why is this bad?
    /// The public access block is the switch that stops a public ACL or bucket policy
    /// (written now, or added later by mistake) from exposing the bucket.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
    ///   Type: AWS::S3::Bucket
    ///   Properties:
    ///     PublicAccessBlockConfiguration:
    ///       BlockPublicAcls: true
    ///       BlockPublicPolicy: false
    /// ```
    ///
    /// ## Fix
    /// Set all four to `true`. A bucket that must be public (rarely: prefer CloudFront)
    /// should say so with a suppression and a reason.
    pub struct S3PublicAccessBlock {
        id: "SEC021",
        name: "s3-public-access-block",
        title: "S3 buckets block public access",
        severity: Medium,
        resource_types: ["AWS::S3::Bucket"],
        equivalents: {
            "checkov": ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
        },
    }
}

fn name(switch: Switch) -> &'static str {
    match switch {
        Switch::BlockPublicAcls => "BlockPublicAcls",
        Switch::IgnorePublicAcls => "IgnorePublicAcls",
        Switch::BlockPublicPolicy => "BlockPublicPolicy",
        Switch::RestrictPublicBuckets => "RestrictPublicBuckets",
        _ => "",
    }
}

/// Per bucket: its id, whether the configuration is absent, the switches turned off
/// (name, pointer), and the pointer of the bucket.
type Bucket<'a> = (String, bool, Vec<(&'a str, String)>, String);

impl Rule for S3PublicAccessBlock {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        // Per bucket: (absent?, switches turned off with their pointers), in order.
        let mut buckets: BTreeMap<usize, Bucket<'_>> = BTreeMap::new();
        // Each bucket's place in source order, looked up per exposure (a scan of every
        // bucket per exposure would cost their product on a large template).
        let order: HashMap<&str, usize> = cx
            .template
            .resources_of_type("AWS::S3::Bucket")
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        for e in model.exposure() {
            if e.resource_type != "AWS::S3::Bucket" || name(e.switch).is_empty() {
                continue;
            }
            let Some(&index) = order.get(e.resource.as_str()) else {
                continue;
            };
            let entry = buckets
                .entry(index)
                .or_insert_with(|| (e.resource.clone(), false, Vec::new(), e.pointer.clone()));
            match e.state {
                SwitchState::Default => entry.1 = true,
                SwitchState::Unprotected => entry.2.push((name(e.switch), e.pointer.clone())),
                _ => {}
            }
        }
        for (_, (id, absent, off, resource_pointer)) in buckets {
            if !off.is_empty() {
                let names: Vec<String> = off.iter().map(|(n, _)| format!("`{n}`")).collect();
                out.add_at(
                    &off[0].1,
                    format!(
                        "bucket `{id}` does not turn on {} of its public access block",
                        names.join(", ")
                    ),
                );
            } else if absent {
                out.add_at(
                    &resource_pointer,
                    format!(
                        "bucket `{id}` sets no `PublicAccessBlockConfiguration`: it relies on the account's and AWS's defaults"
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
        insta::assert_snapshot!(render_rule("SEC021", "tests/fixtures/sec021.yaml"));
    }
}
