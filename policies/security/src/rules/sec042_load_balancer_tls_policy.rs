use preflight_policy::prelude::*;

use crate::support::{from_default, text_with_defaults};

declare_rule! {
    /// ## What it does
    /// Checks HTTPS and TLS listeners of application and network load balancers
    /// (`AWS::ElasticLoadBalancingV2::Listener`) for a security policy that allows TLS
    /// older than 1.2: no `SslPolicy` (the API's default, `ELBSecurityPolicy-2016-08`,
    /// allows TLS 1.0), or a named policy such as `ELBSecurityPolicy-2016-08`,
    /// `ELBSecurityPolicy-TLS-1-1-2017-01` or `ELBSecurityPolicy-TLS13-1-0-2021-06`.
    ///
    /// ## Why is this bad?
    /// TLS 1.0 and 1.1 have known weaknesses and are deprecated (RFC 8996); compliance
    /// standards such as PCI DSS forbid them.
    ///
    /// ## Example
    /// ```yaml
    /// Listener:
    ///   Type: AWS::ElasticLoadBalancingV2::Listener
    ///   Properties:
    ///     Protocol: HTTPS
    ///     SslPolicy: ELBSecurityPolicy-2016-08
    /// ```
    ///
    /// ## Fix
    /// Set `SslPolicy` to a TLS 1.2+ policy, e.g. `ELBSecurityPolicy-TLS13-1-2-2021-06`.
    pub struct LoadBalancerTlsPolicy {
        id: "SEC042",
        name: "load-balancer-tls-policy",
        title: "Load balancer listeners require TLS 1.2 or later",
        severity: Medium,
        resource_types: ["AWS::ElasticLoadBalancingV2::Listener"],
        equivalents: { "cfn_nag": ["W55"] },
    }
}

/// Security policies that allow TLS 1.0 or 1.1.
const OLD_POLICIES: &[&str] = &[
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-2015-03",
    "ELBSecurityPolicy-2015-02",
    "ELBSecurityPolicy-2014-10",
    "ELBSecurityPolicy-2014-01",
    "ELBSecurityPolicy-2011-08",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-FS-1-1-2019-08",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "ELBSecurityPolicy-TLS13-1-1-2021-06",
];

fn is_old(policy: &str) -> bool {
    OLD_POLICIES.contains(&policy)
        || policy.contains("TLS-1-0")
        || policy.contains("TLS-1-1")
        || policy.contains("TLS13-1-0")
        || policy.contains("TLS13-1-1")
}

impl Rule for LoadBalancerTlsPolicy {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_type("AWS::ElasticLoadBalancingV2::Listener") {
            if crate::support::opaque(&r) {
                continue;
            }
            let protocol = r
                .property("Protocol")
                .and_then(|n| text_with_defaults(&t, &n))
                .map(|(p, _)| p.to_ascii_uppercase());
            if !matches!(protocol.as_deref(), Some("HTTPS" | "TLS")) {
                continue;
            }
            match r.property("SslPolicy") {
                None => {
                    let at = r.properties().unwrap_or_else(|| r.node.clone());
                    out.add(
                        &at,
                        format!(
                            "listener `{}` sets no `SslPolicy`: the default, `ELBSecurityPolicy-2016-08`, allows TLS 1.0",
                            r.id
                        ),
                    );
                }
                Some(node) => {
                    if let Some((policy, param)) = text_with_defaults(&t, &node)
                        && is_old(&policy)
                    {
                        out.add(
                            &node,
                            format!(
                                "listener `{}` uses `{policy}`{}, which allows TLS older than 1.2",
                                r.id,
                                from_default(param)
                            ),
                        );
                    }
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
        insta::assert_snapshot!(render_rule("SEC042", "tests/fixtures/sec042.yaml"));
    }
}
