use preflight_policy::prelude::*;

use crate::support::{absent_at, lit};

declare_rule! {
    /// ## What it does
    /// Checks that application load balancers (`Type` absent or `application`) set the
    /// attribute `routing.http.drop_invalid_header_fields.enabled` to `true`, as checkov's
    /// CKV_AWS_131 does.
    ///
    /// ## Why is this bad?
    /// Header fields that are not valid HTTP are how request smuggling and header injection
    /// reach the targets behind the load balancer.
    ///
    /// ## Example
    /// ```yaml
    /// Alb:
    ///   Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    ///   Properties:
    ///     Subnets: [subnet-1, subnet-2]
    /// ```
    ///
    /// ## Fix
    /// Add `LoadBalancerAttributes: [{Key: routing.http.drop_invalid_header_fields.enabled,
    /// Value: "true"}]`.
    pub struct AlbDropInvalidHeaders {
        id: "SEC156",
        name: "alb-drop-invalid-headers",
        title: "Application load balancers drop invalid header fields",
        severity: Low,
        resource_types: [
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
        ],
        equivalents: { "checkov": ["CKV_AWS_131"] },
    }
}

const KEY: &str = "routing.http.drop_invalid_header_fields.enabled";

impl Rule for AlbDropInvalidHeaders {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let kind = r.property("Type").and_then(|n| lit(&t, &n));
            if kind.as_deref().is_some_and(|k| k != "application") {
                continue;
            }
            let attributes = r.property("LoadBalancerAttributes");
            if attributes.as_ref().is_some_and(|a| a.is_intrinsic()) {
                continue;
            }
            let on = attributes.as_ref().is_some_and(|list| {
                list.one_or_many().iter().any(|a| {
                    a.get("Key").and_then(|n| lit(&t, &n)).as_deref() == Some(KEY)
                        && a.get("Value")
                            .and_then(|n| lit(&t, &n))
                            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                })
            });
            if !on {
                let at = attributes.unwrap_or_else(|| absent_at(&r));
                out.add(
                    &at,
                    format!(
                        "load balancer `{}` does not drop invalid header fields (`{KEY}`)",
                        r.id
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC156", "tests/fixtures/sec156.yaml"));
    }
}
