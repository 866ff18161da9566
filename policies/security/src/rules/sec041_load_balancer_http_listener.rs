use preflight_policy::prelude::*;

use crate::support::{from_default, text_with_defaults};

declare_rule! {
    /// ## What it does
    /// Checks load balancer listeners for plain HTTP: an `AWS::ElasticLoadBalancingV2::
    /// Listener` with `Protocol: HTTP` whose default actions do not redirect to HTTPS, and
    /// a classic `AWS::ElasticLoadBalancing::LoadBalancer` listener with `Protocol: HTTP`.
    /// A `!Ref` to a parameter is judged by its default. Listeners of an internal load
    /// balancer (`Scheme: internal`) are reported at low severity.
    ///
    /// ## Why is this bad?
    /// Requests and responses, cookies and tokens included, cross the internet in clear
    /// text and can be read or changed on the way.
    ///
    /// ## Example
    /// ```yaml
    /// Listener:
    ///   Type: AWS::ElasticLoadBalancingV2::Listener
    ///   Properties:
    ///     Protocol: HTTP
    ///     Port: 80
    ///     DefaultActions:
    ///       - Type: forward
    ///         TargetGroupArn: !Ref TargetGroup
    /// ```
    ///
    /// ## Fix
    /// Serve HTTPS (`Protocol: HTTPS` with a certificate), and make the HTTP listener a
    /// `redirect` to HTTPS.
    pub struct LoadBalancerHttpListener {
        id: "SEC041",
        name: "load-balancer-http-listener",
        title: "Load balancer listeners use HTTPS",
        severity: Medium,
        resource_types: [
            "AWS::ElasticLoadBalancingV2::Listener",
            "AWS::ElasticLoadBalancing::LoadBalancer",
        ],
        equivalents: { "cfn_nag": ["W56"], "checkov": ["CKV_AWS_2"] },
    }
}

/// Whether one of the listener's default actions redirects to HTTPS.
fn redirects_to_https(listener: &Resource<'_>) -> bool {
    listener.property("DefaultActions").is_some_and(|actions| {
        actions.items().any(|a| {
            a.path("RedirectConfig/Protocol")
                .and_then(|p| p.as_str().map(str::to_string))
                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
        })
    })
}

/// Whether the listener's load balancer (by `Ref` in the template) is internal.
fn internal(t: &Template<'_>, listener: &Resource<'_>) -> bool {
    listener
        .property("LoadBalancerArn")
        .and_then(|n| n.value().get("Ref")?.as_str().map(str::to_string))
        .and_then(|id| t.resource(&id))
        .and_then(|lb| lb.property("Scheme"))
        .and_then(|s| s.as_str().map(str::to_string))
        .is_some_and(|s| s == "internal")
}

impl Rule for LoadBalancerHttpListener {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            match r.ty {
                "AWS::ElasticLoadBalancingV2::Listener" => {
                    let Some(protocol) = r.property("Protocol") else {
                        continue;
                    };
                    let Some((p, param)) = text_with_defaults(&t, &protocol) else {
                        continue;
                    };
                    if p.eq_ignore_ascii_case("HTTP") && !redirects_to_https(&r) {
                        let internal = internal(&t, &r);
                        let finding = out.add(
                            &protocol,
                            format!(
                                "listener `{}`{} serves plain HTTP{} without redirecting to HTTPS",
                                r.id,
                                if internal {
                                    " (of an internal load balancer)"
                                } else {
                                    ""
                                },
                                from_default(param)
                            ),
                        );
                        if internal {
                            finding.severity(Severity::Low);
                        }
                    }
                }
                "AWS::ElasticLoadBalancing::LoadBalancer" => {
                    let Some(listeners) = r.property("Listeners") else {
                        continue;
                    };
                    for l in listeners.items() {
                        let Some(protocol) = l.get("Protocol") else {
                            continue;
                        };
                        if protocol
                            .as_str()
                            .is_some_and(|p| p.eq_ignore_ascii_case("HTTP"))
                        {
                            out.add(
                                &protocol,
                                format!("load balancer `{}` has a plain HTTP listener", r.id),
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
        insta::assert_snapshot!(render_rule("SEC041", "tests/fixtures/sec041.yaml"));
    }
}
