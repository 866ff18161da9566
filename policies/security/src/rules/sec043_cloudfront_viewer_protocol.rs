use preflight_policy::prelude::*;

use crate::support::distribution_configs;

declare_rule! {
    /// ## What it does
    /// Checks CloudFront distributions for a cache behavior (the default one or any in
    /// `CacheBehaviors`) with `ViewerProtocolPolicy: allow-all`.
    ///
    /// ## Why is this bad?
    /// Viewers can then use plain HTTP: content, cookies and tokens cross the network in
    /// clear text and can be changed on the way.
    ///
    /// ## Example
    /// ```yaml
    /// DefaultCacheBehavior:
    ///   TargetOriginId: site
    ///   ViewerProtocolPolicy: allow-all
    /// ```
    ///
    /// ## Fix
    /// Use `redirect-to-https` or `https-only`.
    pub struct CloudFrontViewerProtocol {
        id: "SEC043",
        name: "cloudfront-viewer-protocol",
        title: "CloudFront requires HTTPS from viewers",
        severity: Medium,
        resource_types: ["AWS::CloudFront::Distribution"],
        equivalents: { "checkov": ["CKV_AWS_34"] },
    }
}

impl Rule for CloudFrontViewerProtocol {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for (d, config) in distribution_configs(&cx.template) {
            let mut behaviors: Vec<(String, Node<'_>)> = Vec::new();
            if let Some(b) = config.get("DefaultCacheBehavior") {
                behaviors.push(("the default cache behavior".to_string(), b));
            }
            if let Some(list) = config.get("CacheBehaviors") {
                for b in list.items() {
                    let pattern = b
                        .get("PathPattern")
                        .and_then(|p| p.as_str().map(str::to_string))
                        .unwrap_or_else(|| "?".to_string());
                    behaviors.push((format!("the cache behavior for `{pattern}`"), b));
                }
            }
            for (what, b) in behaviors {
                if let Some(policy) = b.get("ViewerProtocolPolicy")
                    && policy.as_str() == Some("allow-all")
                {
                    out.add(
                        &policy,
                        format!(
                            "{what} of distribution `{}` allows plain HTTP (`allow-all`)",
                            d.id
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC043", "tests/fixtures/sec043.yaml"));
    }
}
