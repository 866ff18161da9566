use std::collections::HashSet;

use preflight_policy::permissions::is_no_value;
use preflight_policy::prelude::*;

use crate::support::is_set;

declare_rule! {
    /// ## What it does
    /// Checks that API stages write access logs:
    ///
    /// - `AWS::ApiGateway::Stage` and `AWS::ApiGatewayV2::Stage` without
    ///   `AccessLogSetting` / `AccessLogSettings`;
    /// - `AWS::ApiGateway::Deployment` whose `StageDescription` has no
    ///   `AccessLogSetting`, or that has no `StageDescription` and no stage in the
    ///   template deploys it;
    /// - SAM `AWS::Serverless::Api` without `AccessLogSetting` and
    ///   `AWS::Serverless::HttpApi` without `AccessLogSettings` (here or in `Globals`);
    /// - SAM's implicit APIs (function `Api`/`HttpApi` events without `RestApiId` /
    ///   `ApiId`) when `Globals` sets no access logging for them.
    ///
    /// ## Why is this bad?
    /// Without access logs there is no record of who called which route, from where and
    /// with what result: nothing to investigate abuse or an incident with.
    ///
    /// ## Example
    /// ```yaml
    /// Api:
    ///   Type: AWS::Serverless::Api
    ///   Properties:
    ///     StageName: prod
    /// ```
    ///
    /// ## Fix
    /// Set `AccessLogSetting` (`AccessLogSettings` for HTTP APIs) with a
    /// `DestinationArn` (a log group) and a `Format`.
    pub struct ApiAccessLogging {
        id: "SEC047",
        name: "api-access-logging",
        title: "API stages write access logs",
        severity: Low,
        resource_types: [
            "AWS::ApiGateway::Stage",
            "AWS::ApiGateway::Deployment",
            "AWS::ApiGatewayV2::Stage",
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
            "AWS::Serverless::Function",
        ],
        equivalents: {
            "cfn_nag": ["W45", "W46", "W69"],
            "checkov": ["CKV_AWS_76", "CKV_AWS_95"],
        },
    }
}

fn missing(out: &mut Findings, r: &Resource<'_>, what: &str, property: &str) {
    let at = r.properties().unwrap_or_else(|| r.node.clone());
    out.add(
        &at,
        format!("{what} `{}` sets no `{property}`: no access logs", r.id),
    );
}

/// Deployments a stage of the template deploys (by `Ref`).
fn deployed(t: &Template<'_>) -> HashSet<String> {
    t.resources_of_type("AWS::ApiGateway::Stage")
        .filter_map(|s| {
            let d = s.property("DeploymentId")?;
            d.value().get("Ref")?.as_str().map(str::to_string)
        })
        .collect()
}

impl Rule for ApiAccessLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let deployed = deployed(&t);
        for r in t.resources_of_types(Self::META.resource_types) {
            match r.ty {
                "AWS::ApiGateway::Stage" if !is_set(&r, "AccessLogSetting") => {
                    missing(out, &r, "stage", "AccessLogSetting");
                }
                "AWS::ApiGatewayV2::Stage" if !is_set(&r, "AccessLogSettings") => {
                    missing(out, &r, "stage", "AccessLogSettings");
                }
                "AWS::ApiGateway::Deployment" => {
                    let description = r
                        .property("StageDescription")
                        .filter(|d| !is_no_value(d.value()));
                    match description {
                        Some(d) if d.get("AccessLogSetting").is_none() => {
                            out.add(
                                &d,
                                format!(
                                    "deployment `{}` creates a stage whose `StageDescription` sets no `AccessLogSetting`",
                                    r.id
                                ),
                            );
                        }
                        Some(_) => {}
                        None if !deployed.contains(r.id) && !crate::support::opaque(&r) => {
                            missing(out, &r, "deployment", "StageDescription.AccessLogSetting");
                        }
                        None => {}
                    }
                }
                "AWS::Serverless::Api" if !is_set(&r, "AccessLogSetting") => {
                    missing(out, &r, "API", "AccessLogSetting");
                }
                "AWS::Serverless::HttpApi" if !is_set(&r, "AccessLogSettings") => {
                    missing(out, &r, "API", "AccessLogSettings");
                }
                _ => {}
            }
        }
        // SAM's implicit APIs: one finding per kind, at the first event that creates it.
        let globals = t.section("Globals");
        for (kind, api_key, global, setting) in [
            ("Api", "RestApiId", "Api", "AccessLogSetting"),
            ("HttpApi", "ApiId", "HttpApi", "AccessLogSettings"),
        ] {
            if globals
                .as_ref()
                .and_then(|g| g.path(&format!("{global}/{setting}")))
                .is_some()
            {
                continue;
            }
            let first = t
                .resources_of_type("AWS::Serverless::Function")
                .filter_map(|f| f.property("Events").map(|e| (f.id, e)))
                .flat_map(|(id, events)| {
                    events
                        .entries()
                        .map(|(name, e)| (id, name, e))
                        .collect::<Vec<_>>()
                })
                .find(|(_, _, e)| {
                    e.get("Type").and_then(|n| n.as_str()) == Some(kind)
                        && e.get("Properties")
                            .and_then(|p| p.get(api_key))
                            .is_none_or(|n| is_no_value(n.value()))
                });
            if let Some((function, name, event)) = first {
                out.add(
                    &event,
                    format!(
                        "SAM's implicit {kind} (created for event `{name}` of function `{function}`) writes no access logs: `Globals.{global}.{setting}` is not set"
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
        insta::assert_snapshot!(render_rule("SEC047", "tests/fixtures/sec047.yaml"));
    }
}
