//! One walk of a template per evaluation, shared by the rules through the SDK's
//! per-evaluation cache: each rule keeps the violations of its kind.

use preflight_policy::pointer::member;
use preflight_policy::resolve::{self, Outcome};
use preflight_policy::{Context, Resource, Template};
use serde_json::Value;

use crate::data::{self, Lookup};
use crate::validate::{Kind, Violation, Walker};

/// The region a template is checked for: the `region` setting, else `us-east-1`; with
/// its index in the data. An unknown region name falls back to `us-east-1`.
pub fn region(cx: &Context) -> (String, usize) {
    let name = cx
        .settings
        .get("region")
        .and_then(Value::as_str)
        .unwrap_or("us-east-1");
    match data::region_index(name) {
        Some(i) => (name.to_string(), i),
        None => {
            let east = data::region_index("us-east-1").expect("the data has us-east-1");
            ("us-east-1".to_string(), east)
        }
    }
}

/// The walk of one template, shared by the rules of one evaluation.
struct Walk(Vec<Violation>);

/// The violations of one kind found by this evaluation's walk (made by the first rule
/// that asks).
pub fn violations(cx: &Context, kind: Kind) -> Vec<Violation> {
    cx.cached(|cx| Walk(walk(cx)))
        .0
        .iter()
        .filter(|v| v.kind == kind)
        .cloned()
        .collect()
}

/// The members a resource's properties have as deployed: its `Properties`, and for SAM
/// resources the `Globals` it does not override.
pub fn entries<'a>(
    t: &Template<'a>,
    r: &Resource<'a>,
    props: Option<&'a Value>,
    at: &str,
) -> Vec<(&'a str, &'a Value, String)> {
    let mut out: Vec<(&'a str, &'a Value, String)> = props
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v, member(at, k)))
        .collect();
    if let Some(globals) = t.globals_for(r.ty) {
        for (k, node) in globals.entries() {
            if !out.iter().any(|(key, _, _)| *key == k) {
                out.push((k, node.value(), node.pointer().to_string()));
            }
        }
    }
    out
}

fn walk(cx: &Context) -> Vec<Violation> {
    let (_, region) = region(cx);
    let t = cx.template;
    let walker = Walker::new(t, region);
    let mut out: Vec<Violation> = Vec::new();
    for r in t.resources() {
        let Some(ty) = crate::normalize_type(r.ty) else {
            continue;
        };
        let Lookup::Found(schema) = data::resource(ty, region) else {
            continue;
        };
        let mut found = Vec::new();
        match r.properties() {
            Some(p) if resolve::is_dynamic(p.value()) => {
                // `Properties: !If [...]`: each branch is a whole set of properties.
                for outcome in resolve::resolve(&t, p.value()) {
                    if let Outcome::Literal { value, at: rel, .. } = outcome
                        && value.is_object()
                    {
                        let here = format!("{}{rel}", p.pointer());
                        walker.resource(
                            &schema,
                            r.is_sam(),
                            &entries(&t, &r, Some(value), &here),
                            // What a branch lacks is reported at `Properties`, as
                            // cfn-lint reports it; members point into the branch.
                            p.pointer(),
                            &mut found,
                        );
                    }
                }
            }
            Some(p) => {
                let at = p.pointer().to_string();
                walker.resource(
                    &schema,
                    r.is_sam(),
                    &entries(&t, &r, Some(p.value()), &at),
                    &at,
                    &mut found,
                );
            }
            None => {
                let at = r.node.pointer().to_string();
                walker.resource(
                    &schema,
                    r.is_sam(),
                    &entries(&t, &r, None, &at),
                    &at,
                    &mut found,
                );
            }
        }
        for v in found {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}
