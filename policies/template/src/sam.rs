//! What the SAM transform does to a template, as far as the rules need to know before
//! the transform runs: the logical ids it generates and how `Globals` apply.

use preflight_policy::{Context, Node, Resource, Template};
use serde_json::Value;

/// The SAM transform's name.
pub const TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Suffixes the SAM transform appends to a resource's logical id for the resources it
/// generates: `<Function>Role`, `<Function>Alias<...>`, `<Api>Stage`, ...
const GENERATED_SUFFIXES: &[&str] = &[
    "Role",
    "Version",
    "Alias",
    "Stage",
    "Deployment",
    "Url",
    "UrlPublicPermissions",
    "ApiGatewayDomainName",
    "BasePathMapping",
    "Policy",
    "LogGroup",
    "DomainName",
    "Authorizer",
    "UsagePlan",
    "ApiKey",
    "Permission",
];

/// The properties of SAM resources that `!Ref Resource.Property` may name: the transform
/// replaces such a reference with a reference to the resource it generates.
fn referable_properties(ty: &str) -> &'static [&'static str] {
    match ty {
        "AWS::Serverless::Function" => {
            &["Alias", "Version", "DestinationTopic", "DestinationQueue"]
        }
        "AWS::Serverless::Api" => &[
            "Stage",
            "Deployment",
            "DomainName",
            "DomainNameV2",
            "UsagePlan",
            "UsagePlanKey",
            "ApiKey",
        ],
        "AWS::Serverless::HttpApi" | "AWS::Serverless::WebSocketApi" => &["Stage", "DomainName"],
        _ => &[],
    }
}

/// For `Resource.Property` where the transform resolves `Property` to a resource it
/// generates from `Resource` (`MyFunction.Alias`, `MyApi.Stage`): `Resource`.
pub fn referable<'n>(t: &Template, name: &'n str) -> Option<&'n str> {
    let (base, property) = name.split_once('.')?;
    let r = t.resource(base)?;
    referable_properties(r.ty)
        .contains(&property)
        .then_some(base)
}

/// Whether a generated resource named by `Resource.Property` depends on `Resource`
/// (an alias or version on its function, a stage on its API), rather than the other way.
pub fn referable_depends_on_base(name: &str) -> bool {
    name.split_once('.').is_some_and(|(_, property)| {
        matches!(
            property,
            "Alias" | "Version" | "Stage" | "Deployment" | "UsagePlan" | "UsagePlanKey" | "ApiKey"
        )
    })
}

/// Whether `name` is a logical id that the SAM transform generates from a resource of
/// this template (or a `Resource.Property` reference it resolves to one), so that it may
/// be referenced (or depended on) before the transform.
pub fn generated(t: &Template, name: &str) -> bool {
    if name.contains('.') {
        return referable(t, name).is_some();
    }
    if name.starts_with("ServerlessRestApi") {
        return t.is_sam() && has_implicit_api(t, "Api", "RestApiId");
    }
    if name.starts_with("ServerlessHttpApi") {
        return t.is_sam() && has_implicit_api(t, "HttpApi", "ApiId");
    }
    // The resource whose id `name` begins with is looked up by each of `name`'s prefixes
    // (a few dozen lookups), not found by a walk of every resource: a template of many
    // resources and many unknown names would otherwise cost their product.
    name.char_indices().skip(1).any(|(at, _)| {
        let (id, rest) = name.split_at(at);
        t.resource(id).is_some_and(|r| {
            r.is_sam()
                && (GENERATED_SUFFIXES.iter().any(|s| rest.starts_with(s))
                    // `<Api><StageName>Stage`, e.g. `MyApiProdStage`.
                    || (matches!(
                        r.ty,
                        "AWS::Serverless::Api"
                            | "AWS::Serverless::HttpApi"
                            | "AWS::Serverless::WebSocketApi"
                    ) && rest.ends_with("Stage")))
        })
    })
}

/// Why `name` does not exist although it looks like an id the SAM transform generates:
/// the implicit APIs exist only for API events that name no API of their own.
pub fn implicit_api_hint(name: &str) -> Option<&'static str> {
    if name.starts_with("ServerlessRestApi") {
        Some("which SAM generates only for Api events without a RestApiId")
    } else if name.starts_with("ServerlessHttpApi") {
        Some("which SAM generates only for HttpApi events without an ApiId")
    } else {
        None
    }
}

/// Whether a SAM function or state machine has an event of type `event_type` without
/// `api_property`, for which the transform generates the implicit API. When events are
/// computed (not a literal mapping), assumes it does.
fn has_implicit_api(t: &Template, event_type: &str, api_property: &str) -> bool {
    t.resources()
        .filter(|r| {
            matches!(
                r.ty,
                "AWS::Serverless::Function" | "AWS::Serverless::StateMachine"
            )
        })
        .filter_map(|r| r.properties()?.get("Events"))
        .any(|events| {
            let Some(events) = events.value().as_object() else {
                return true;
            };
            events.values().any(|event| match event.get("Type") {
                Some(Value::String(ty)) => {
                    ty == event_type
                        && event
                            .get("Properties")
                            .is_none_or(|p| p.get(api_property).is_none())
                }
                Some(_) => true,
                None => false,
            })
        })
}

/// A property as the SAM transform will see it: from `Properties`, else from the matching
/// `Globals` section unless the resource's `IgnoreGlobals` attribute (`"*"` or a list of
/// property names) leaves it out. For other resources, the `Properties` member only.
pub fn property<'a>(r: &Resource<'a>, name: &str) -> Option<Node<'a>> {
    if let Some(local) = r.properties().and_then(|p| p.get(name)) {
        return Some(local);
    }
    if ignores_global(r, name) {
        return None;
    }
    r.property(name)
}

/// Whether the resource's `IgnoreGlobals` attribute keeps the global `name` out.
pub fn ignores_global(r: &Resource, name: &str) -> bool {
    match r.attribute("IgnoreGlobals").map(|n| n.value()) {
        Some(Value::String(s)) => s == "*",
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(name)),
        _ => false,
    }
}

/// Properties of a SAM resource that the transform moves into resources of their own,
/// which depend on the resource rather than the other way round: event sources become
/// permissions, event source mappings and rules; deployment preferences become CodeDeploy
/// resources; a GraphQL API's data sources, functions and resolvers become AppSync
/// resources; custom domains become domain and mapping resources. References made there
/// are not dependencies of the resource itself.
pub fn detached_properties(ty: &str) -> &'static [&'static str] {
    match ty {
        "AWS::Serverless::Function" => &[
            "Events",
            "DeploymentPreference",
            "EventInvokeConfig",
            "FunctionUrlConfig",
        ],
        "AWS::Serverless::StateMachine" => &["Events"],
        "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => &["Domain"],
        "AWS::Serverless::GraphQLApi" => &[
            "DataSources",
            "Functions",
            "Resolvers",
            "ApiKeys",
            "DomainName",
            "Cache",
        ],
        _ => &[],
    }
}

/// Whether the template declares transforms (or uses `Fn::Transform` includes) other
/// than SAM and `AWS::LanguageExtensions`, which may rewrite it in ways rules cannot see.
/// Worked out once per evaluation (it walks the whole template) and shared by the rules
/// that ask.
pub fn has_foreign_transforms(cx: &Context) -> bool {
    struct ForeignTransforms(bool);
    cx.cached(|cx| ForeignTransforms(foreign_transforms(&cx.template)))
        .0
}

fn foreign_transforms(t: &Template) -> bool {
    let known = |s: &str| s == TRANSFORM || s == "AWS::LanguageExtensions";
    let declared = match t.section("Transform").map(|n| n.value()) {
        Some(Value::String(s)) => !known(s),
        Some(Value::Array(items)) => items.iter().any(|i| !i.as_str().is_some_and(known)),
        Some(_) => true,
        None => false,
    };
    declared
        || crate::walk::any_value(t.root().value(), |v| {
            v.as_object()
                .is_some_and(|m| m.contains_key("Fn::Transform"))
        })
}

/// Whether the template declares the `AWS::LanguageExtensions` transform.
pub fn has_language_extensions(t: &Template) -> bool {
    match t.section("Transform").map(|n| n.value()) {
        Some(Value::String(s)) => s == "AWS::LanguageExtensions",
        Some(Value::Array(items)) => items
            .iter()
            .any(|i| i.as_str() == Some("AWS::LanguageExtensions")),
        _ => false,
    }
}
