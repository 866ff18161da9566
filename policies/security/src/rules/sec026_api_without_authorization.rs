use std::collections::HashMap;

use preflight_policy::permissions::{is_no_value, render};
use preflight_policy::prelude::*;

use crate::support::{from_default, text_with_defaults};

declare_rule! {
    /// ## What it does
    /// Checks that API routes require authorization:
    ///
    /// - `AWS::ApiGateway::Method` with `AuthorizationType` missing or `NONE` (CORS
    ///   `OPTIONS` methods excepted);
    /// - `AWS::ApiGatewayV2::Route` with `AuthorizationType` missing or `NONE` (`OPTIONS`
    ///   routes, and WebSocket `$disconnect`/`$default` routes, which cannot have one,
    ///   excepted);
    /// - SAM `AWS::Serverless::Api` and `AWS::Serverless::HttpApi` without an
    ///   `Auth.DefaultAuthorizer` (here or in `Globals`) that serve a route without an
    ///   authorizer of its own: a function `Api`/`HttpApi` event that points at the API
    ///   without `Auth.Authorizer`, or an OpenAPI `DefinitionBody` without security
    ///   schemes. Private APIs, and APIs defined by an external `DefinitionUri`, are not
    ///   judged;
    /// - function `Api`/`HttpApi` events on SAM's implicit API without an authorizer.
    ///
    /// A `!Ref` to a parameter is judged by the parameter's default.
    ///
    /// ## Why is this bad?
    /// An API without authorization lets anyone on the internet call the functions and
    /// data behind it. An API key is not authorization: keys are for usage plans and are
    /// easily shared.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Events:
    ///       Get:
    ///         Type: Api
    ///         Properties: {Path: /items, Method: get}
    /// ```
    ///
    /// ## Fix
    /// Set `Auth.DefaultAuthorizer` on the API (a Cognito or Lambda authorizer, or
    /// `AWS_IAM`), or `AuthorizationType` on each method. A route that must be public
    /// should say so with a suppression and a reason.
    pub struct ApiWithoutAuthorization {
        id: "SEC026",
        name: "api-without-authorization",
        title: "API routes require authorization",
        severity: Medium,
        resource_types: [
            "AWS::ApiGateway::Method",
            "AWS::ApiGatewayV2::Route",
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
            "AWS::Serverless::Function",
        ],
        equivalents: { "cfn_nag": ["W59"] },
    }
}

fn is_none(s: &str) -> bool {
    s.eq_ignore_ascii_case("NONE")
}

/// One function event that serves a route.
struct Route<'a> {
    function: &'a str,
    event: &'a str,
    node: Node<'a>,
    kind: &'a str,
    api: Option<String>,
    description: String,
    authorizer: Option<String>,
}

fn routes<'a>(t: &Template<'a>) -> Vec<Route<'a>> {
    let mut out = Vec::new();
    for f in t.resources_of_type("AWS::Serverless::Function") {
        let Some(events) = f.property("Events") else {
            continue;
        };
        for (name, event) in events.entries() {
            let kind = match event.get("Type").and_then(|n| n.as_str()) {
                Some(k @ ("Api" | "HttpApi")) => k,
                _ => continue,
            };
            let props = event.get("Properties");
            let get = |k: &str| props.as_ref().and_then(|p| p.get(k));
            let api = get(if kind == "Api" { "RestApiId" } else { "ApiId" })
                .filter(|n| !is_no_value(n.value()))
                .map(|n| match n.value().get("Ref").and_then(|r| r.as_str()) {
                    Some(id) => id.to_string(),
                    None => render(n.value()),
                });
            let method = get("Method").and_then(|n| n.as_str().map(str::to_uppercase));
            let path = get("Path").and_then(|n| n.as_str().map(str::to_string));
            let description = match (method, path) {
                (Some(m), Some(p)) => format!("{m} {p}"),
                (None, Some(p)) => format!("ANY {p}"),
                _ => "default route".to_string(),
            };
            let authorizer = get("Auth")
                .and_then(|a| a.get("Authorizer"))
                .map(|n| n.as_str().map_or_else(|| render(n.value()), str::to_string));
            out.push(Route {
                function: f.id,
                event: name,
                node: event.clone(),
                kind,
                api,
                description,
                authorizer,
            });
        }
    }
    out
}

fn unauthenticated(route: &Route<'_>) -> bool {
    route.authorizer.as_deref().is_none_or(is_none)
}

/// Whether an API's default authorizer protects its routes: set and not `NONE`.
fn default_authorizer(t: &Template<'_>, node: Option<Node<'_>>) -> bool {
    match node.filter(|n| !is_no_value(n.value())) {
        Some(n) => match text_with_defaults(t, &n) {
            Some((s, _)) => !is_none(&s),
            None => true,
        },
        None => false,
    }
}

fn is_private(api: &Resource<'_>) -> bool {
    let Some(config) = api.property("EndpointConfiguration") else {
        return false;
    };
    let ty = match config.as_str() {
        Some(s) => Some(s.to_string()),
        None => config
            .get("Type")
            .and_then(|n| n.as_str().map(str::to_string)),
    };
    ty.is_some_and(|t| t.eq_ignore_ascii_case("PRIVATE"))
}

fn list(routes: &[&Route<'_>]) -> String {
    let shown: Vec<String> = routes
        .iter()
        .take(3)
        .map(|r| format!("{} (function `{}`)", r.description, r.function))
        .collect();
    let more = if routes.len() > 3 {
        format!(" and {} more", routes.len() - 3)
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

impl Rule for ApiWithoutAuthorization {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        // Once for the template, not once per API: a template of many APIs and many
        // functions would otherwise pay their product.
        let routes = routes(&t);
        let mut by_api: HashMap<&str, Vec<&Route<'_>>> = HashMap::new();
        for route in routes.iter().filter(|r| unauthenticated(r)) {
            if let Some(api) = &route.api {
                by_api.entry(api.as_str()).or_default().push(route);
            }
        }
        for r in t.resources_of_types(Self::META.resource_types) {
            match r.ty {
                "AWS::ApiGateway::Method" => {
                    let method = r
                        .property("HttpMethod")
                        .and_then(|n| text_with_defaults(&t, &n));
                    if method.is_some_and(|(m, _)| m.eq_ignore_ascii_case("OPTIONS")) {
                        continue;
                    }
                    check_type(&t, &r, "method", out);
                }
                "AWS::ApiGatewayV2::Route" => {
                    let key = r
                        .property("RouteKey")
                        .and_then(|n| n.as_str().map(str::to_string));
                    if let Some(key) = key
                        && (key.starts_with("OPTIONS ")
                            || (key.starts_with('$') && key != "$connect"))
                    {
                        continue;
                    }
                    check_type(&t, &r, "route", out);
                }
                "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
                    check_sam_api(&t, &r, by_api.get(r.id).map_or(&[], Vec::as_slice), out)
                }
                _ => {}
            }
        }
        // Events on SAM's implicit APIs.
        for route in &routes {
            if route.api.is_some() || !unauthenticated(route) {
                continue;
            }
            let global = if route.kind == "Api" {
                "Api"
            } else {
                "HttpApi"
            };
            let default = t
                .section("Globals")
                .and_then(|g| g.path(&format!("{global}/Auth/DefaultAuthorizer")));
            if default_authorizer(&t, default) {
                continue;
            }
            out.add(
                &route.node,
                format!(
                    "event `{}` of function `{}` serves {} on SAM's implicit API without an authorizer",
                    route.event, route.function, route.description
                ),
            );
        }
    }
}

fn check_type(t: &Template<'_>, r: &Resource<'_>, what: &str, out: &mut Findings) {
    if crate::support::opaque(r) {
        return;
    }
    let given = r
        .property("AuthorizationType")
        .filter(|n| !n.value().is_null() && !is_no_value(n.value()));
    match given {
        None => {
            out.add(
                &r.properties().unwrap_or_else(|| r.node.clone()),
                format!(
                    "{what} `{}` sets no `AuthorizationType`: anyone can call it",
                    r.id
                ),
            );
        }
        Some(n) => {
            if let Some((s, param)) = text_with_defaults(t, &n)
                && is_none(&s)
            {
                out.add(
                    &n,
                    format!(
                        "{what} `{}` has `AuthorizationType: {s}`{}: anyone can call it",
                        r.id,
                        from_default(param)
                    ),
                );
            }
        }
    }
}

/// `open`: the unauthenticated routes of function events that name this API.
fn check_sam_api(t: &Template<'_>, api: &Resource<'_>, open: &[&Route<'_>], out: &mut Findings) {
    if default_authorizer(t, api.property_path("Auth/DefaultAuthorizer")) || is_private(api) {
        return;
    }
    if api
        .property("DefinitionUri")
        .is_some_and(|n| !is_no_value(n.value()))
    {
        return;
    }
    let kind = if api.ty == "AWS::Serverless::Api" {
        "Api"
    } else {
        "HttpApi"
    };
    let open: Vec<&Route<'_>> = open.iter().copied().filter(|r| r.kind == kind).collect();
    let body = api
        .property("DefinitionBody")
        .filter(|n| !is_no_value(n.value()));
    let body_open = body.as_ref().is_some_and(|b| {
        let text = render(b.value());
        !(text.contains("securitySchemes")
            || text.contains("securityDefinitions")
            || text.contains("x-amazon-apigateway-authorizer"))
    });
    if open.is_empty() && !body_open {
        return;
    }
    let at = api
        .property("Auth")
        .filter(|n| !is_no_value(n.value()))
        .or_else(|| api.properties())
        .unwrap_or_else(|| api.node.clone());
    let served = if open.is_empty() {
        "routes from its OpenAPI definition, which declares no security scheme".to_string()
    } else {
        list(&open)
    };
    out.add(
        &at,
        format!(
            "API `{}` has no `Auth.DefaultAuthorizer` and serves {served} without an authorizer",
            api.id
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC026", "tests/fixtures/sec026.yaml"));
    }
}
