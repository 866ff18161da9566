use preflight_policy::prelude::*;

use crate::support::{from_default, text_with_defaults};

declare_rule! {
    /// ## What it does
    /// Checks API Gateway custom domain names for TLS 1.2: `AWS::ApiGateway::DomainName`
    /// with `SecurityPolicy` missing or `TLS_1_0`, `AWS::ApiGatewayV2::DomainName` with a
    /// `DomainNameConfigurations` entry on `TLS_1_0`, and SAM `Api`/`HttpApi` `Domain`
    /// settings with `SecurityPolicy: TLS_1_0`.
    ///
    /// ## Why is this bad?
    /// TLS 1.0 has known weaknesses and is deprecated (RFC 8996).
    ///
    /// ## Example
    /// ```yaml
    /// Domain:
    ///   Type: AWS::ApiGateway::DomainName
    ///   Properties:
    ///     DomainName: api.example.com
    ///     SecurityPolicy: TLS_1_0
    /// ```
    ///
    /// ## Fix
    /// Set `SecurityPolicy: TLS_1_2`.
    pub struct ApiDomainTls {
        id: "SEC045",
        name: "api-domain-tls",
        title: "API custom domains require TLS 1.2",
        severity: Medium,
        resource_types: [
            "AWS::ApiGateway::DomainName",
            "AWS::ApiGatewayV2::DomainName",
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
        ],
        equivalents: { "cfn_nag": ["W62"] },
    }
}

fn report_old(t: &Template<'_>, node: &Node<'_>, id: &str, out: &mut Findings) {
    if let Some((policy, param)) = text_with_defaults(t, node)
        && policy.eq_ignore_ascii_case("TLS_1_0")
    {
        out.add(
            node,
            format!(
                "custom domain of `{id}` allows TLS 1.0 (`SecurityPolicy: {policy}`{})",
                from_default(param)
            ),
        );
    }
}

impl Rule for ApiDomainTls {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            match r.ty {
                "AWS::ApiGateway::DomainName" => match r.property("SecurityPolicy") {
                    None => {
                        let at = r.properties().unwrap_or_else(|| r.node.clone());
                        out.add(
                            &at,
                            format!(
                                "domain name `{}` sets no `SecurityPolicy`: set `TLS_1_2` to rule out TLS 1.0",
                                r.id
                            ),
                        );
                    }
                    Some(node) => report_old(&t, &node, r.id, out),
                },
                "AWS::ApiGatewayV2::DomainName" => {
                    if let Some(configs) = r.property("DomainNameConfigurations") {
                        for c in configs.items() {
                            if let Some(node) = c.get("SecurityPolicy") {
                                report_old(&t, &node, r.id, out);
                            }
                        }
                    }
                }
                "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
                    if let Some(node) = r.property_path("Domain/SecurityPolicy") {
                        report_old(&t, &node, r.id, out);
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
        insta::assert_snapshot!(render_rule("SEC045", "tests/fixtures/sec045.yaml"));
    }
}
