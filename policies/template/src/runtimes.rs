//! Lambda runtimes: AWS's deprecation schedule (a data table) and where a template
//! names runtimes.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use preflight_policy::{Intrinsic, Node, Template};
use serde_json::Value;

use crate::date::Date;
use crate::sam;

/// One runtime's schedule.
pub struct Schedule {
    /// When AWS deprecated (or will deprecate) the runtime.
    pub deprecated: Date,
    /// From when Lambda refuses to create functions with it (none for image-only ones).
    pub block_create: Option<Date>,
    /// From when Lambda refuses to update functions with it.
    pub block_update: Option<Date>,
    /// The runtime to move to.
    pub successor: Option<String>,
}

/// Every runtime Lambda has had, by identifier (`python3.12`), with its schedule.
pub fn schedules() -> &'static HashMap<String, Schedule> {
    static TABLE: OnceLock<HashMap<String, Schedule>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let data: Value = serde_json::from_str(include_str!("data/runtimes.json"))
            .expect("runtimes.json is valid JSON");
        let date = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).and_then(Date::parse);
        data["runtimes"]
            .as_object()
            .expect("runtimes.json has a runtimes mapping")
            .iter()
            .map(|(name, v)| {
                let schedule = Schedule {
                    deprecated: date(v, "deprecated")
                        .expect("every runtime has a deprecation date"),
                    block_create: date(v, "block_create"),
                    block_update: date(v, "block_update"),
                    successor: v
                        .get("successor")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                };
                (name.clone(), schedule)
            })
            .collect()
    })
}

/// A literal runtime identifier written in the template.
pub struct RuntimeUse<'a> {
    /// The string node.
    pub node: Node<'a>,
    /// Its text.
    pub name: &'a str,
    /// Whether it is a SAM layer's `Metadata.BuildMethod`, which may also name a build
    /// tool (`makefile`) rather than a runtime.
    pub build_method: bool,
}

/// Every literal runtime the template uses, once per node, in source order: `Runtime` of
/// SAM functions (including `Globals`, honouring `IgnoreGlobals`; not for image
/// packages) and Lambda functions, `CompatibleRuntimes` of layers, a SAM layer's
/// `Metadata.BuildMethod`. A `Ref` is followed to the parameter's `Default`, and both
/// branches of `Fn::If` are read.
pub fn uses<'a>(t: &Template<'a>) -> Vec<RuntimeUse<'a>> {
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for r in t.resources() {
        let mut values = Vec::new();
        let mut build_method = None;
        match r.ty {
            "AWS::Serverless::Function" => {
                let image = r
                    .properties()
                    .and_then(|p| p.get("PackageType"))
                    .is_some_and(|p| p.as_str() == Some("Image"));
                if !image {
                    values.extend(sam::property(&r, "Runtime"));
                }
            }
            "AWS::Lambda::Function" => {
                values.extend(r.properties().and_then(|p| p.get("Runtime")));
            }
            "AWS::Serverless::LayerVersion" | "AWS::Lambda::LayerVersion" => {
                if let Some(list) = r.properties().and_then(|p| p.get("CompatibleRuntimes")) {
                    values.extend(list.one_or_many());
                }
                if r.ty == "AWS::Serverless::LayerVersion" {
                    build_method = r.attribute("Metadata").and_then(|m| m.get("BuildMethod"));
                }
            }
            _ => continue,
        }
        let tagged = values
            .into_iter()
            .map(|v| (v, false))
            .chain(build_method.map(|b| (b, true)));
        for (value, build_method) in tagged {
            for node in literals(t, value) {
                let Some(name) = node.as_str() else {
                    continue;
                };
                if seen.insert(node.pointer().to_string()) {
                    found.push(RuntimeUse {
                        node,
                        name,
                        build_method,
                    });
                }
            }
        }
    }
    found
}

/// The literal values a runtime value can take: itself, a parameter's `Default`, the
/// branches of `Fn::If`.
fn literals<'a>(t: &Template<'a>, value: Node<'a>) -> Vec<Node<'a>> {
    let mut found = Vec::new();
    let mut pending = vec![value];
    while let Some(node) = pending.pop() {
        match node.intrinsic() {
            None => found.push(node),
            Some(Intrinsic::Ref(name)) => {
                if let Some(default) = t
                    .section("Parameters")
                    .and_then(|p| p.get(name))
                    .and_then(|p| p.get("Default"))
                {
                    found.push(default);
                }
            }
            Some(Intrinsic::Other { name: "Fn::If", .. }) => {
                let args = node.get("Fn::If").expect("an Fn::If");
                let branches: Vec<Node> = args.items().skip(1).collect();
                pending.extend(branches.into_iter().rev());
            }
            Some(_) => {}
        }
    }
    found
}
