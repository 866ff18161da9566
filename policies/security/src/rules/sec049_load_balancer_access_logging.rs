use preflight_policy::prelude::*;

use crate::support::text_with_defaults;

declare_rule! {
    /// ## What it does
    /// Checks that load balancers write access logs: application and network load
    /// balancers (`AWS::ElasticLoadBalancingV2::LoadBalancer`, gateway load balancers
    /// excepted) with the attribute `access_logs.s3.enabled` set to `true`, and classic
    /// load balancers with `AccessLoggingPolicy.Enabled: true`.
    ///
    /// ## Why is this bad?
    /// Access logs record every request (client address, path, status, TLS protocol):
    /// the evidence needed to investigate an attack on the service behind.
    ///
    /// ## Example
    /// ```yaml
    /// LoadBalancer:
    ///   Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    ///   Properties:
    ///     Subnets: [!Ref SubnetA, !Ref SubnetB]
    /// ```
    ///
    /// ## Fix
    /// Add the attributes `access_logs.s3.enabled: "true"` and `access_logs.s3.bucket`.
    pub struct LoadBalancerAccessLogging {
        id: "SEC049",
        name: "load-balancer-access-logging",
        title: "Load balancers write access logs",
        severity: Low,
        resource_types: [
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "AWS::ElasticLoadBalancing::LoadBalancer",
        ],
        equivalents: { "cfn_nag": ["W26", "W52"], "checkov": ["CKV_AWS_91", "CKV_AWS_92"] },
    }
}

impl Rule for LoadBalancerAccessLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for lb in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&lb) {
                continue;
            }
            let at = || lb.properties().unwrap_or_else(|| lb.node.clone());
            match lb.ty {
                "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                    let ty = lb
                        .property("Type")
                        .and_then(|n| n.as_str().map(str::to_string));
                    if ty.as_deref() == Some("gateway") {
                        continue;
                    }
                    let attribute = lb.property("LoadBalancerAttributes").and_then(|attrs| {
                        attrs.items().find(|a| {
                            a.get("Key").and_then(|k| k.as_str()) == Some("access_logs.s3.enabled")
                        })
                    });
                    let value = attribute.as_ref().and_then(|a| a.get("Value"));
                    let enabled = value
                        .as_ref()
                        .and_then(|v| text_with_defaults(&t, v))
                        .map(|(s, _)| s.eq_ignore_ascii_case("true"));
                    match (value, enabled) {
                        (_, Some(true)) => {}
                        (Some(v), Some(false)) => {
                            out.add(
                                &v,
                                format!("load balancer `{}` turns access logging off", lb.id),
                            );
                        }
                        (None, _) => {
                            out.add(
                                &at(),
                                format!(
                                    "load balancer `{}` does not set `access_logs.s3.enabled`",
                                    lb.id
                                ),
                            );
                        }
                        _ => {}
                    }
                }
                "AWS::ElasticLoadBalancing::LoadBalancer" => {
                    let enabled = lb.property_path("AccessLoggingPolicy/Enabled");
                    let on = enabled.as_ref().map(|n| {
                        text_with_defaults(&t, n).map(|(s, _)| s.eq_ignore_ascii_case("true"))
                    });
                    match on {
                        Some(Some(true)) | Some(None) => {}
                        _ => {
                            let node = enabled.unwrap_or_else(at);
                            out.add(
                                &node,
                                format!(
                                    "load balancer `{}` does not turn on access logging",
                                    lb.id
                                ),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC049", "tests/fixtures/sec049.yaml"));
    }
}
