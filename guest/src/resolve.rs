//! What a value can resolve to at deploy time, so a check can judge a value written as
//! an intrinsic function by what it can become, and leave alone what it cannot know.
//!
//! [`resolve`] turns a value into its possible outcomes: literal values (the value
//! itself, each branch of an `Fn::If`, a parameter's `AllowedValues` or `Default`, a
//! `Mappings` entry), or only the kind of value the function produces (`Fn::Sub` and
//! `Fn::Join` make strings, `Fn::GetAZs` and `Fn::Split` make lists, a `Ref` to a
//! `List<...>` parameter is a list), or `Fn::GetAtt` for the caller to look up, or
//! nothing known.
//!
//! ```
//! use preflight_policy::Template;
//! use preflight_policy::resolve::{Origin, Outcome, Shape, resolve};
//! use serde_json::json;
//!
//! let root = json!({"Parameters": {"Size": {"Type": "Number", "Default": 512}}});
//! let t = Template::new(&root);
//! let value = json!({"Fn::If": ["Big", {"Ref": "Size"}, 128]});
//! let outcomes = resolve(&t, &value);
//! assert_eq!(outcomes[0], Outcome::Shape(Shape::Number));
//! assert!(matches!(outcomes[1], Outcome::Literal { origin: Origin::Default("Size"), .. }));
//! assert!(matches!(outcomes[2], Outcome::Literal { ref at, .. } if at == "/Fn::If/2"));
//! ```

use serde_json::Value;

use crate::intrinsic::placeholders;
use crate::template::Template;

/// The kind of value an intrinsic function produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string (`Fn::Sub`, `Fn::Join`, `Ref` to a resource, a `String` parameter, a
    /// `{{resolve:...}}` dynamic reference, ...).
    String,
    /// A number (`Number` parameter).
    Number,
    /// An integer (`Fn::Length`).
    Integer,
    /// A list of strings (`List<...>` and `CommaDelimitedList` parameters, `Fn::GetAZs`,
    /// `Fn::Split`, `Fn::Cidr`, `AWS::NotificationARNs`).
    List,
}

impl Shape {
    /// The JSON-schema type name.
    pub fn name(self) -> &'static str {
        match self {
            Shape::String => "string",
            Shape::Number => "number",
            Shape::Integer => "integer",
            Shape::List => "array",
        }
    }
}

/// Where a literal outcome comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// Written in place (the value itself, or a branch of an `Fn::If` in it).
    Written,
    /// One of a parameter's `AllowedValues`: the deployed value is one of them.
    Allowed(&'a str),
    /// A parameter's `Default`: the value if deployed without overriding it.
    Default(&'a str),
    /// An entry of the named mapping (`Fn::FindInMap`).
    Mapping(&'a str),
}

/// One thing a value may resolve to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<'a> {
    /// A literal value (itself free of intrinsics only when written so).
    Literal {
        /// The value.
        value: &'a Value,
        /// Where it comes from.
        origin: Origin<'a>,
        /// For [`Origin::Written`]: the pointer of the value relative to the resolved
        /// node (`""` for the node itself, `/Fn::If/1` for a branch).
        at: String,
    },
    /// Only the kind of value is known.
    Shape(Shape),
    /// `Fn::GetAtt`: the attribute's type decides (the caller knows the schemas).
    GetAtt {
        /// Logical id.
        resource: &'a str,
        /// Attribute name.
        attribute: &'a str,
    },
    /// `Ref: AWS::NoValue`: the property is removed.
    NoValue,
    /// Nothing can be known before the deploy.
    Unknown,
}

const MAX_OUTCOMES: usize = 64;
const MAX_DEPTH: usize = 16;

/// Every outcome `value` may resolve to (at most 64; nested functions at most 16 deep).
pub fn resolve<'a>(template: &Template<'a>, value: &'a Value) -> Vec<Outcome<'a>> {
    let mut out = Vec::new();
    walk(template, value, String::new(), Origin::Written, 0, &mut out);
    out.truncate(MAX_OUTCOMES);
    out
}

/// Whether `value` is an intrinsic function call (a mapping with one key that is `Ref`
/// or starts with `Fn::`) or a string holding a `{{resolve:...}}` dynamic reference.
pub fn is_dynamic(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.len() == 1
                && map
                    .keys()
                    .next()
                    .is_some_and(|k| k == "Ref" || k.starts_with("Fn::"))
        }
        Value::String(s) => s.contains("{{resolve:"),
        _ => false,
    }
}

fn walk<'a>(
    t: &Template<'a>,
    value: &'a Value,
    at: String,
    origin: Origin<'a>,
    depth: usize,
    out: &mut Vec<Outcome<'a>>,
) {
    if out.len() >= MAX_OUTCOMES {
        return;
    }
    if depth > MAX_DEPTH {
        out.push(Outcome::Unknown);
        return;
    }
    if !is_dynamic(value) {
        out.push(Outcome::Literal { value, origin, at });
        return;
    }
    let Value::Object(map) = value else {
        // A dynamic reference: a string whose text is only known at deploy time.
        out.push(Outcome::Shape(Shape::String));
        return;
    };
    let (name, args) = map.iter().next().expect("one key");
    match name.as_str() {
        "Ref" => match args.as_str() {
            Some("AWS::NoValue") => out.push(Outcome::NoValue),
            Some("AWS::NotificationARNs") => out.push(Outcome::Shape(Shape::List)),
            Some(p) if p.starts_with("AWS::") => out.push(Outcome::Shape(Shape::String)),
            Some(p) => parameter(t, p, out),
            None => out.push(Outcome::Unknown),
        },
        "Fn::If" => match args.as_array().map(Vec::as_slice) {
            Some([_, yes, no]) => {
                walk(t, yes, format!("{at}/Fn::If/1"), origin, depth + 1, out);
                walk(t, no, format!("{at}/Fn::If/2"), origin, depth + 1, out);
            }
            _ => out.push(Outcome::Unknown),
        },
        "Fn::Sub" => {
            let text = match args {
                Value::Array(items) => items.first(),
                other => Some(other),
            };
            match text {
                Some(s @ Value::String(text))
                    if placeholders(text).is_empty() && !text.contains("${!") =>
                {
                    let at = if args.is_array() {
                        format!("{at}/Fn::Sub/0")
                    } else {
                        format!("{at}/Fn::Sub")
                    };
                    out.push(Outcome::Literal {
                        value: s,
                        origin,
                        at,
                    })
                }
                _ => out.push(Outcome::Shape(Shape::String)),
            }
        }
        "Fn::Join" | "Fn::Base64" | "Fn::ImportValue" | "Fn::ToJsonString" => {
            out.push(Outcome::Shape(Shape::String))
        }
        "Fn::GetAZs" | "Fn::Split" | "Fn::Cidr" => out.push(Outcome::Shape(Shape::List)),
        "Fn::Length" => out.push(Outcome::Shape(Shape::Integer)),
        "Fn::GetAtt" => {
            let parts: Option<(&str, &str)> = match args {
                Value::String(s) => s.split_once('.'),
                Value::Array(items) => items
                    .first()
                    .and_then(Value::as_str)
                    .zip(items.get(1).and_then(Value::as_str)),
                _ => None,
            };
            match parts {
                Some((resource, attribute)) => out.push(Outcome::GetAtt {
                    resource,
                    attribute,
                }),
                None => out.push(Outcome::Unknown),
            }
        }
        "Fn::Select" => match args.as_array().map(Vec::as_slice) {
            Some([index, Value::Array(items)]) => {
                let i = match index {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                };
                match i.and_then(|i| items.get(i as usize).map(|v| (i, v))) {
                    Some((i, item)) => walk(
                        t,
                        item,
                        format!("{at}/Fn::Select/1/{i}"),
                        origin,
                        depth + 1,
                        out,
                    ),
                    None => out.push(Outcome::Unknown),
                }
            }
            _ => out.push(Outcome::Unknown),
        },
        "Fn::FindInMap" => find_in_map(t, args, out),
        _ => out.push(Outcome::Unknown),
    }
}

fn parameter<'a>(t: &Template<'a>, name: &'a str, out: &mut Vec<Outcome<'a>>) {
    let Some(p) = t.section("Parameters").and_then(|s| s.value().get(name)) else {
        // A resource: `Ref` gives its physical id (or, for a few types, an ARN).
        if t.has_resource(name) {
            out.push(Outcome::Shape(Shape::String));
        } else {
            out.push(Outcome::Unknown);
        }
        return;
    };
    let ty = p.get("Type").and_then(Value::as_str).unwrap_or("String");
    let list = ty.contains("List<") || ty == "CommaDelimitedList";
    out.push(Outcome::Shape(if list {
        Shape::List
    } else if ty == "Number" {
        Shape::Number
    } else {
        Shape::String
    }));
    if list {
        return;
    }
    if let Some(allowed) = p.get("AllowedValues").and_then(Value::as_array) {
        for v in allowed {
            out.push(Outcome::Literal {
                value: v,
                origin: Origin::Allowed(name),
                at: String::new(),
            });
        }
    } else if let Some(default) = p.get("Default").filter(|d| *d != "") {
        // An empty `Default` is a placeholder to fill in at deploy time, not a value.
        out.push(Outcome::Literal {
            value: default,
            origin: Origin::Default(name),
            at: String::new(),
        });
    }
}

/// Literal keys select an entry; a key that is itself a function fans out over every
/// entry at that level.
fn find_in_map<'a>(t: &Template<'a>, args: &'a Value, out: &mut Vec<Outcome<'a>>) {
    let Some([map, top, second, rest @ ..]) = args.as_array().map(Vec::as_slice) else {
        out.push(Outcome::Unknown);
        return;
    };
    let Some((name, mapping)) = map
        .as_str()
        .and_then(|m| Some((m, t.section("Mappings")?.value().get(m)?)))
    else {
        out.push(Outcome::Unknown);
        return;
    };
    let level = |node: &'a Value, key: &'a Value| -> Vec<&'a Value> {
        match key.as_str() {
            Some(k) => node.get(k).into_iter().collect(),
            None => node
                .as_object()
                .map(|m| m.values().collect())
                .unwrap_or_default(),
        }
    };
    let found: Vec<&Value> = level(mapping, top)
        .into_iter()
        .flat_map(|n| level(n, second))
        .collect();
    if found.is_empty() {
        match rest.first().and_then(|o| o.get("DefaultValue")) {
            Some(d) => out.push(Outcome::Literal {
                value: d,
                origin: Origin::Mapping(name),
                at: String::new(),
            }),
            None => out.push(Outcome::Unknown),
        }
        return;
    }
    for value in found {
        if is_dynamic(value) {
            out.push(Outcome::Unknown);
        } else {
            out.push(Outcome::Literal {
                value,
                origin: Origin::Mapping(name),
                at: String::new(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_each_kind_of_function() {
        let root = json!({
            "Parameters": {
                "Env": {"Type": "String", "AllowedValues": ["dev", "prod"]},
                "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}
            },
            "Mappings": {"Sizes": {"dev": {"Mem": 128}, "prod": {"Mem": 1024}}},
            "Resources": {"B": {"Type": "AWS::S3::Bucket"}}
        });
        let t = Template::new(&root);
        let r = |v: Value| {
            let v = Box::leak(Box::new(v));
            resolve(&t, v)
        };
        assert_eq!(r(json!({"Ref": "Subnets"})), [Outcome::Shape(Shape::List)]);
        assert_eq!(r(json!({"Ref": "B"})), [Outcome::Shape(Shape::String)]);
        assert_eq!(r(json!({"Ref": "AWS::NoValue"})), [Outcome::NoValue]);
        assert_eq!(r(json!({"Ref": "Nope"})), [Outcome::Unknown]);
        assert_eq!(r(json!({"Ref": "Env"})).len(), 3);
        assert_eq!(
            r(json!({"Fn::Sub": "x-${AWS::Region}"})),
            [Outcome::Shape(Shape::String)]
        );
        assert!(matches!(
            r(json!({"Fn::Sub": "plain"}))[0],
            Outcome::Literal { .. }
        ));
        assert_eq!(
            r(json!("{{resolve:ssm:/x}}")),
            [Outcome::Shape(Shape::String)]
        );
        assert_eq!(r(json!({"Fn::GetAZs": ""})), [Outcome::Shape(Shape::List)]);
        let mem = r(json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Mem"]}));
        assert_eq!(mem.len(), 2);
        assert!(
            matches!(mem[1], Outcome::Literal { value, origin: Origin::Mapping("Sizes"), .. } if value == &json!(1024))
        );
        assert_eq!(
            r(json!({"Fn::GetAtt": "B.Arn"})),
            [Outcome::GetAtt {
                resource: "B",
                attribute: "Arn"
            }]
        );
        assert!(
            matches!(r(json!({"Fn::Select": [1, ["a", "b"]]}))[0], Outcome::Literal { value, .. } if value == "b")
        );
    }
}
