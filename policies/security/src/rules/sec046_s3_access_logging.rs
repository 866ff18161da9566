use std::collections::HashSet;

use preflight_policy::prelude::*;
use preflight_policy::references;

use crate::support::{is_set, model};

declare_rule! {
    /// ## What it does
    /// Checks that S3 buckets turn on server access logging (`LoggingConfiguration`).
    /// Buckets that receive logs are not judged (logging them would log the logging):
    /// buckets named as a log destination by another bucket, a CloudTrail trail, a
    /// CloudFront distribution or a load balancer in the template, buckets with the
    /// `LogDeliveryWrite` ACL, and buckets whose policy lets a log delivery service write.
    ///
    /// ## Why is this bad?
    /// Without access logs there is no record of who read or changed which object, which
    /// is what an investigation of a leak needs first. (CloudTrail data events are an
    /// alternative.)
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
    ///   Type: AWS::S3::Bucket
    /// ```
    ///
    /// ## Fix
    /// Set `LoggingConfiguration.DestinationBucketName` to a log bucket.
    pub struct S3AccessLogging {
        id: "SEC046",
        name: "s3-access-logging",
        title: "S3 buckets turn on access logging",
        severity: Low,
        resource_types: ["AWS::S3::Bucket"],
        equivalents: { "cfn_nag": ["W35"] },
    }
}

/// Properties through which a resource names the bucket it writes logs to.
const LOG_DESTINATIONS: &[&str] = &[
    "LoggingConfiguration",
    "Logging",
    "AccessLoggingPolicy",
    "LoadBalancerAttributes",
    "S3BucketName",
    "LogDestination",
    "DestinationConfiguration",
];

/// Service principals that deliver logs to buckets.
const LOG_SERVICES: &[&str] = &[
    "Service:logging.s3.amazonaws.com",
    "Service:delivery.logs.amazonaws.com",
    "Service:cloudtrail.amazonaws.com",
    "Service:logdelivery.elasticloadbalancing.amazonaws.com",
    "Service:logdelivery.elb.amazonaws.com",
];

/// The logical ids of buckets that receive logs.
fn log_buckets(cx: &Context<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    for r in cx.template.resources() {
        let Some(props) = r.properties() else {
            continue;
        };
        for key in LOG_DESTINATIONS {
            if let Some(node) = props.get(key) {
                out.extend(
                    references(node.value(), node.pointer())
                        .into_iter()
                        .map(|r| r.target),
                );
            }
        }
        if r.ty == "AWS::S3::Bucket"
            && r.property("AccessControl")
                .and_then(|n| n.as_str().map(str::to_string))
                .as_deref()
                == Some("LogDeliveryWrite")
        {
            out.insert(r.id.to_string());
        }
    }
    let model = model(cx);
    for s in model.statements() {
        if s.owner_type == "AWS::S3::BucketPolicy"
            && s.principals.strings().any(|p| LOG_SERVICES.contains(&p))
        {
            for target in &s.applies_to {
                let id = target.trim_start_matches("${").trim_end_matches('}');
                out.insert(id.split('.').next().unwrap_or(id).to_string());
            }
        }
    }
    out
}

impl Rule for S3AccessLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let receivers = log_buckets(cx);
        for bucket in cx.template.resources_of_type("AWS::S3::Bucket") {
            if is_set(&bucket, "LoggingConfiguration") || receivers.contains(bucket.id) {
                continue;
            }
            let at = bucket.properties().unwrap_or_else(|| bucket.node.clone());
            out.add(
                &at,
                format!(
                    "bucket `{}` does not turn on server access logging",
                    bucket.id
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC046", "tests/fixtures/sec046.yaml"));
    }
}
