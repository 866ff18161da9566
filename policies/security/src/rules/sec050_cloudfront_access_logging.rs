use std::collections::HashSet;

use preflight_policy::prelude::*;
use preflight_policy::references;

use crate::support::distribution_configs;

declare_rule! {
    /// ## What it does
    /// Checks that CloudFront distributions write access logs: standard logging
    /// (`DistributionConfig.Logging`), or a CloudWatch Logs delivery source
    /// (`AWS::Logs::DeliverySource`) for the distribution in the template.
    ///
    /// ## Why is this bad?
    /// Without access logs there is no record of who requested what from the edge.
    ///
    /// ## Example
    /// ```yaml
    /// Distribution:
    ///   Type: AWS::CloudFront::Distribution
    ///   Properties:
    ///     DistributionConfig:
    ///       Enabled: true
    /// ```
    ///
    /// ## Fix
    /// Set `DistributionConfig.Logging.Bucket`, or add a log delivery.
    pub struct CloudFrontAccessLogging {
        id: "SEC050",
        name: "cloudfront-access-logging",
        title: "CloudFront distributions write access logs",
        severity: Low,
        resource_types: ["AWS::CloudFront::Distribution"],
        equivalents: { "cfn_nag": ["W10"] },
    }
}

impl Rule for CloudFrontAccessLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let delivered: HashSet<String> = cx
            .template
            .resources_of_type("AWS::Logs::DeliverySource")
            .filter_map(|s| s.property("ResourceArn"))
            .flat_map(|n| references(n.value(), n.pointer()))
            .map(|r| r.target)
            .collect();
        for (d, config) in distribution_configs(&cx.template) {
            if config.is_intrinsic() || config.get("Logging").is_some() || delivered.contains(d.id)
            {
                continue;
            }
            out.add(
                &config,
                format!("distribution `{}` writes no access logs", d.id),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC050", "tests/fixtures/sec050.yaml"));
    }
}
