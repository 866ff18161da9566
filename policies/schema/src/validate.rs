//! The schema walk: a resource's properties against its reduced provider schema, in
//! CloudFormation's lenient reading (a number or boolean where a string goes, a numeric
//! string where a number goes), with values written as intrinsic functions judged by
//! what they can resolve to ([`preflight_policy::resolve`]).

use preflight_policy::Template;
use preflight_policy::pointer::{self, escape, member};
use preflight_policy::resolve::{Origin, Outcome, Shape, is_dynamic, resolve};
use serde_json::Value;

use crate::data;
use crate::pattern;
use crate::schema::{at_path, deref, getatt, types};

/// Which rule a violation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A property the schema does not have.
    UnknownProperty,
    /// A required property (or one of a required set) is missing, or two exclusive
    /// ones are set.
    Required,
    /// A literal of the wrong JSON type.
    Type,
    /// Not one of the allowed values.
    Enum,
    /// Outside a numeric range, a length or an item count, or repeated items.
    Range,
    /// A string that does not match the schema's pattern.
    Pattern,
    /// A read-only property set in the template.
    ReadOnly,
    /// An intrinsic function whose result has the wrong type.
    IntrinsicType,
}

/// One problem found by the walk.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The rule it belongs to.
    pub kind: Kind,
    /// Where: the offending member (key and value) or value.
    pub pointer: String,
    /// What is wrong, naming the property path and the expected shape.
    pub message: String,
    /// Text inside the pointed node to narrow the location to.
    pub highlight: Option<String>,
    /// Found only in a value a parameter or mapping may give (a warning).
    pub resolved: bool,
}

/// Walks the resources of one template.
pub struct Walker<'t> {
    template: Template<'t>,
    region: usize,
    /// The resource being walked is a SAM resource: its schema (cfn-lint's, derived from
    /// the translator) lists nested members SAM reads but not every one it tolerates, and
    /// its `readOnlyProperties` are the attributes `Fn::GetAtt` takes, so only top-level
    /// properties are judged known or unknown, and none as read-only.
    sam: std::cell::Cell<bool>,
}

/// A path for messages: `Properties.A.B[0].C`.
fn join(path: &str, key: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1 + key.len());
    out.push_str(path);
    out.push('.');
    out.push_str(key);
    out
}

/// A scalar as text (strings as written); `None` for mappings, sequences and null.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value of none of the types `ts` its schema allows.
fn wrong_type(value: &Value, ptr: &str, path: &str, ts: &[&str]) -> Violation {
    Violation {
        kind: Kind::Type,
        pointer: ptr.to_string(),
        message: format!("`{path}` is {}, expected {}", shown(value), type_list(ts)),
        highlight: text(value),
        resolved: false,
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 60 => {
            format!("`{}...`", s.chars().take(57).collect::<String>())
        }
        Value::String(s) => format!("`{s}`"),
        Value::Null => "null".to_string(),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a mapping".to_string(),
        other => format!("`{other}`"),
    }
}

/// Whether a literal has JSON-schema type `ty`, read as CloudFormation reads it.
fn has_type(value: &Value, ty: &str) -> bool {
    match (ty, value) {
        ("string", Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        ("integer", Value::String(s)) => s.trim().parse::<i64>().is_ok(),
        ("number", Value::Number(_)) => true,
        ("number", Value::String(s)) => s.trim().parse::<f64>().is_ok(),
        ("boolean", Value::Bool(_)) => true,
        ("boolean", Value::String(s)) => {
            s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
        }
        ("array", Value::Array(_)) => true,
        ("object", Value::Object(_)) => true,
        ("null", Value::Null) => true,
        _ => false,
    }
}

/// Whether an intrinsic's result of shape `shape` fits a position accepting `types`.
fn shape_fits(shape: Shape, types: &[&str]) -> bool {
    types.iter().any(|t| match shape {
        Shape::List => *t == "array",
        Shape::String | Shape::Number | Shape::Integer => {
            matches!(*t, "string" | "integer" | "number" | "boolean")
        }
    })
}

fn type_list(types: &[&str]) -> String {
    let names: Vec<&str> = types
        .iter()
        .map(|t| match *t {
            "array" => "a list",
            "object" => "a mapping",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean",
            other => other,
        })
        .collect();
    names.join(" or ")
}

fn origin_note(origin: Origin, value: &Value) -> String {
    match origin {
        Origin::Written => String::new(),
        Origin::Allowed(p) => format!(
            " (when parameter `{p}` is {}, one of its AllowedValues)",
            shown(value)
        ),
        Origin::Default(p) => format!(" (when parameter `{p}` keeps its Default {})", shown(value)),
        Origin::Mapping(m) => format!(" (when mapping `{m}` gives {})", shown(value)),
    }
}

impl<'t> Walker<'t> {
    /// A walker for `template` in the region with index `region`.
    pub fn new(template: Template<'t>, region: usize) -> Walker<'t> {
        Walker {
            template,
            region,
            sam: std::cell::Cell::new(false),
        }
    }

    /// Checks one resource's properties: `entries` are its `Properties` members and,
    /// for SAM resources, the `Globals` members it inherits (each with its own
    /// pointer); `at` is the pointer findings about missing properties go to.
    pub fn resource(
        &self,
        root: &Value,
        sam: bool,
        entries: &[(&'t str, &'t Value, String)],
        at: &str,
        out: &mut Vec<Violation>,
    ) {
        self.sam.set(sam);
        self.object(root, root, entries, at, "Properties", out);
        if sam {
            return;
        }
        if let Some(read_only) = root.get("readOnlyProperties").and_then(Value::as_array) {
            for path in read_only.iter().filter_map(Value::as_str) {
                let mut parts = path.split('/').skip(2);
                let Some(first) = parts.next() else { continue };
                let Some((_, value, pointer)) = entries.iter().find(|(k, _, _)| *k == first) else {
                    continue;
                };
                let mut found = vec![(*value, pointer.clone(), format!("Properties.{first}"))];
                for part in parts {
                    found = found
                        .into_iter()
                        .flat_map(|(v, p, d)| -> Vec<(&Value, String, String)> {
                            if part == "*" {
                                v.as_array()
                                    .into_iter()
                                    .flatten()
                                    .enumerate()
                                    .map(|(i, item)| {
                                        (item, format!("{p}/{i}"), format!("{d}[{i}]"))
                                    })
                                    .collect()
                            } else {
                                v.get(part)
                                    .map(|c| (c, format!("{p}/{}", escape(part)), join(&d, part)))
                                    .into_iter()
                                    .collect()
                            }
                        })
                        .collect();
                }
                for (_, pointer, display) in found {
                    out.push(Violation {
                        kind: Kind::ReadOnly,
                        pointer,
                        message: format!(
                            "`{display}` is read-only: CloudFormation sets it, a template cannot"
                        ),
                        highlight: None,
                        resolved: false,
                    });
                }
            }
        }
    }

    /// Validates a value at a schema position, resolving intrinsic functions.
    fn value(
        &self,
        root: &Value,
        schema: &Value,
        value: &'t Value,
        ptr: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        if !is_dynamic(value) {
            self.literal(root, schema, value, ptr, path, out);
            return;
        }
        for outcome in resolve(&self.template, value) {
            match outcome {
                Outcome::Literal {
                    value: v,
                    origin: Origin::Written,
                    at,
                } => {
                    self.literal(root, schema, v, &format!("{ptr}{at}"), path, out);
                }
                Outcome::Literal {
                    value: v, origin, ..
                } => {
                    let mut found = Vec::new();
                    self.literal(root, schema, v, ptr, path, &mut found);
                    let note = origin_note(origin, v);
                    // A parameter's value is only a guess at what is deployed: its type
                    // and allowed values are judged, not the finer shape a placeholder
                    // default (`<your-url>`) is not meant to have.
                    found.retain(|f| !matches!(f.kind, Kind::Pattern));
                    for mut f in found {
                        // Findings inside the resolved value point at the function.
                        f.pointer = ptr.to_string();
                        f.highlight = None;
                        f.message.push_str(&note);
                        f.resolved = true;
                        out.push(f);
                    }
                }
                Outcome::Shape(shape) => {
                    if let Some(ts) = types(root, schema)
                        && !shape_fits(shape, &ts)
                    {
                        out.push(Violation {
                            kind: Kind::IntrinsicType,
                            pointer: ptr.to_string(),
                            message: format!(
                                "`{path}` expects {}, but {} gives {}",
                                type_list(&ts),
                                function_name(value),
                                shape_words(shape)
                            ),
                            highlight: None,
                            resolved: false,
                        });
                    }
                }
                Outcome::GetAtt {
                    resource,
                    attribute,
                } => {
                    let (Some(ts), Some(attr)) = (
                        types(root, schema),
                        self.attribute_types(resource, attribute),
                    ) else {
                        continue;
                    };
                    let fits = attr.iter().any(|a| match *a {
                        "array" => ts.contains(&"array"),
                        "object" => ts.contains(&"object"),
                        _ => ts
                            .iter()
                            .any(|t| matches!(*t, "string" | "integer" | "number" | "boolean")),
                    });
                    if !fits {
                        out.push(Violation {
                            kind: Kind::IntrinsicType,
                            pointer: ptr.to_string(),
                            message: format!(
                                "`{path}` expects {}, but `Fn::GetAtt {resource}.{attribute}` gives {}",
                                type_list(&ts),
                                type_list(&attr)
                            ),
                            highlight: None,
                            resolved: false,
                        });
                    }
                }
                Outcome::NoValue | Outcome::Unknown => {}
            }
        }
    }

    /// The JSON types of a resource's attribute, when the data says.
    pub fn attribute_types(&self, resource: &str, attribute: &str) -> Option<Vec<&'static str>> {
        let ty = self.template.resource(resource)?.ty;
        let data::Lookup::Found(schema) = data::resource(crate::normalize_type(ty)?, self.region)
        else {
            return None;
        };
        let ptr = getatt(&schema, attribute)?;
        let at = at_path(&schema, ptr)?;
        let ts = types(&schema, at)?;
        let out: Vec<&'static str> = ts
            .iter()
            .filter_map(|t| {
                ["string", "integer", "number", "boolean", "array", "object"]
                    .into_iter()
                    .find(|k| k == t)
            })
            .collect();
        (!out.is_empty()).then_some(out)
    }

    fn literal(
        &self,
        root: &Value,
        schema: &Value,
        value: &'t Value,
        ptr: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let Some(schema) = deref(root, schema) else {
            return;
        };
        if !schema.is_object() {
            return;
        }
        if let Some(ts) = type_names(schema)
            && !ts.iter().any(|t| has_type(value, t))
        {
            out.push(wrong_type(value, ptr, path, &ts));
            return;
        }
        match value {
            Value::Object(map) => {
                if map.contains_key("Fn::Transform") {
                    return;
                }
                let entries: Vec<(&'t str, &'t Value, String)> = map
                    .iter()
                    .map(|(k, v)| (k.as_str(), v, member(ptr, k)))
                    .collect();
                self.object(root, schema, &entries, ptr, path, out);
            }
            Value::Array(items) => self.array(root, schema, items, ptr, path, out),
            Value::Null => {}
            scalar => self.scalar(schema, scalar, ptr, path, out),
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for s in all {
                self.literal(root, s, value, ptr, path, out);
            }
        }
        for (key, exclusive) in [("anyOf", false), ("oneOf", true)] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                self.branches(root, branches, exclusive, value, ptr, path, out);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn branches(
        &self,
        root: &Value,
        branches: &[Value],
        exclusive: bool,
        value: &'t Value,
        ptr: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let requirement_sets: Option<Vec<Vec<&str>>> = branches
            .iter()
            .map(|b| {
                let b = deref(root, b)?.as_object()?;
                if b.len() != 1 {
                    return None;
                }
                b.get("required")?
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
            })
            .collect();
        let requirement_sets = requirement_sets.filter(|_| value.is_object());
        // SAM's schemas leave out some of the shapes SAM accepts (event types among
        // them), so for SAM resources a value no branch fits is not judged: unless the
        // branches are sets of required keys, nothing here can come of them.
        if requirement_sets.is_none() && self.sam.get() {
            return;
        }
        let mut results: Vec<Vec<Violation>> = Vec::with_capacity(branches.len());
        for b in branches {
            let mut found = Vec::new();
            self.literal(root, b, value, ptr, path, &mut found);
            // One fitting branch settles it, unless passing branches are counted.
            if found.is_empty() && requirement_sets.is_none() {
                return;
            }
            results.push(found);
        }
        let passing = results.iter().filter(|r| r.is_empty()).count();
        if let Some(sets) = requirement_sets {
            let names: Vec<String> = sets
                .iter()
                .map(|s| format!("`{}`", s.join("` + `")))
                .collect();
            if passing == 0 {
                out.push(Violation {
                    kind: Kind::Required,
                    pointer: ptr.to_string(),
                    message: format!("`{path}` needs one of {}", names.join(", ")),
                    highlight: None,
                    resolved: false,
                });
            } else if exclusive && passing > 1 {
                out.push(Violation {
                    kind: Kind::Required,
                    pointer: ptr.to_string(),
                    message: format!("`{path}` may set only one of {}", names.join(", ")),
                    highlight: None,
                    resolved: false,
                });
            }
            return;
        }
        // No branch fits: report the branch whose type fits with the fewest problems,
        // or one type problem listing every branch's type.
        let best = results
            .iter()
            .filter(|r| !r.iter().any(|v| v.kind == Kind::Type && v.pointer == ptr))
            .min_by_key(|r| r.len());
        match best {
            Some(found) => out.extend(found.iter().cloned()),
            None => {
                let mut ts: Vec<&str> = Vec::new();
                for b in branches {
                    for t in types(root, b).unwrap_or_default() {
                        if !ts.contains(&t) {
                            ts.push(t);
                        }
                    }
                }
                out.push(wrong_type(value, ptr, path, &ts));
            }
        }
    }

    fn object(
        &self,
        root: &Value,
        schema: &Value,
        entries: &[(&'t str, &'t Value, String)],
        ptr: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let Some(schema) = deref(root, schema) else {
            return;
        };
        let props = schema.get("properties").and_then(Value::as_object);
        let patterns = schema.get("patternProperties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        // A member whose value is null is not set, as cfn-lint and CloudFormation read
        // it: its value is not judged and it does not count as present. Its name still
        // is: a misspelt key is a mistake whatever follows it.
        for (key, value, member) in entries {
            let child = join(path, key);
            let judge = |s: &Value, out: &mut Vec<Violation>| {
                if !value.is_null() {
                    self.value(root, s, value, member, &child, out);
                }
            };
            if let Some(s) = props.and_then(|p| p.get(*key)) {
                judge(s, out);
                continue;
            }
            let matched: Vec<&Value> = patterns
                .into_iter()
                .flatten()
                .filter(|(p, _)| pattern::compiled(p).is_none_or(|r| r.is_match(key)))
                .map(|(_, s)| s)
                .collect();
            if !matched.is_empty() {
                for s in matched {
                    judge(s, out);
                }
                continue;
            }
            match additional {
                Some(Value::Bool(false)) if self.sam.get() && path != "Properties" => {}
                Some(Value::Bool(false)) => {
                    let names: Vec<&str> = props
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.as_str())
                        .collect();
                    let hint = crate::suggest(key, names.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_else(|| {
                            if names.is_empty() || names.len() > 12 {
                                String::new()
                            } else {
                                format!("; expected one of `{}`", names.join("`, `"))
                            }
                        });
                    out.push(Violation {
                        kind: Kind::UnknownProperty,
                        pointer: member.clone(),
                        message: format!("`{child}` is not a known property{hint}"),
                        highlight: Some(key.to_string()),
                        resolved: false,
                    });
                }
                Some(s @ Value::Object(_)) => judge(s, out),
                _ => {}
            }
        }
        let entries: Vec<(&'t str, &'t Value, String)> = entries
            .iter()
            .filter(|(_, v, _)| !v.is_null())
            .cloned()
            .collect();
        let entries = entries.as_slice();
        let has = |k: &str| entries.iter().any(|(key, _, _)| *key == k);
        let missing_at = |out: &mut Vec<Violation>, message: String| {
            out.push(Violation {
                kind: Kind::Required,
                pointer: ptr.to_string(),
                message,
                highlight: None,
                resolved: false,
            })
        };
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            let missing: Vec<&str> = required
                .iter()
                .filter_map(Value::as_str)
                .filter(|k| !has(k))
                .collect();
            if !missing.is_empty() {
                let s = if missing.len() == 1 { "y" } else { "ies" };
                missing_at(
                    out,
                    format!(
                        "`{path}` is missing required propert{s} `{}`",
                        missing.join("`, `")
                    ),
                );
            }
        }
        for key in ["dependencies", "dependentRequired"] {
            for (name, needs) in schema
                .get(key)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !has(name) {
                    continue;
                }
                match needs {
                    Value::Array(needs) => {
                        let missing: Vec<&str> = needs
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|k| !has(k))
                            .collect();
                        if !missing.is_empty() {
                            missing_at(
                                out,
                                format!(
                                    "`{}` needs `{}` in `{path}`",
                                    join(path, name),
                                    missing.join("`, `")
                                ),
                            );
                        }
                    }
                    Value::Object(_) => self.object(root, needs, entries, ptr, path, out),
                    _ => {}
                }
            }
        }
        if let Some(xor) = schema.get("requiredXor").and_then(Value::as_array) {
            let names: Vec<&str> = xor.iter().filter_map(Value::as_str).collect();
            let set = names.iter().filter(|k| has(k)).count();
            if set == 0 {
                missing_at(
                    out,
                    format!("`{path}` needs one of `{}`", names.join("`, `")),
                );
            } else if set > 1 {
                missing_at(
                    out,
                    format!("`{path}` may set only one of `{}`", names.join("`, `")),
                );
            }
        }
    }

    fn array(
        &self,
        root: &Value,
        schema: &Value,
        items: &'t [Value],
        ptr: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        if let Some(item) = schema.get("items").filter(|i| i.is_object()) {
            for (i, v) in items.iter().enumerate() {
                self.value(
                    root,
                    item,
                    v,
                    &pointer::item(ptr, i),
                    &format!("{path}[{i}]"),
                    out,
                );
            }
        }
        let n = items.len() as u64;
        let range = |out: &mut Vec<Violation>, message: String| {
            out.push(Violation {
                kind: Kind::Range,
                pointer: ptr.to_string(),
                message,
                highlight: None,
                resolved: false,
            })
        };
        // An item that is `Fn::If` may vanish or a `Fn::Split` may stand for many:
        // counts are judged only on lists of literals.
        let literal = !items.iter().any(is_dynamic);
        if literal
            && let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && n < min
        {
            range(
                out,
                format!("`{path}` has {n} items, expected at least {min}"),
            );
        }
        if literal
            && let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && n > max
        {
            range(
                out,
                format!("`{path}` has {n} items, expected at most {max}"),
            );
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, a) in items.iter().enumerate() {
                if !is_dynamic(a) && items[..i].contains(a) {
                    out.push(Violation {
                        kind: Kind::Range,
                        pointer: format!("{ptr}/{i}"),
                        message: format!(
                            "`{path}[{i}]` repeats an earlier item; items must be unique"
                        ),
                        highlight: None,
                        resolved: false,
                    });
                }
            }
        }
    }

    fn scalar(
        &self,
        schema: &Value,
        value: &Value,
        ptr: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let Some(s) = text(value) else { return };
        if let Value::String(raw) = value
            && raw.contains("{{resolve:")
        {
            return;
        }
        let push = |out: &mut Vec<Violation>, kind: Kind, message: String| {
            out.push(Violation {
                kind,
                pointer: ptr.to_string(),
                message,
                highlight: Some(s.clone()),
                resolved: false,
            })
        };
        let allowed: Vec<String> = schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|e| e.iter().filter_map(text).collect())
            .or_else(|| schema.get("const").and_then(text).map(|c| vec![c]))
            .unwrap_or_default();
        if !allowed.is_empty() {
            let insensitive = schema.get("enumCaseInsensitive") == Some(&Value::Bool(true));
            let ok = allowed
                .iter()
                .any(|a| *a == s || (insensitive && a.eq_ignore_ascii_case(&s)));
            if !ok {
                let hint = crate::suggest(&s, allowed.iter().map(String::as_str))
                    .map(|m| format!("; did you mean `{m}`?"))
                    .unwrap_or_default();
                let list = if allowed.len() > 12 {
                    format!("{} allowed values", allowed.len())
                } else {
                    format!("one of `{}`", allowed.join("`, `"))
                };
                push(
                    out,
                    Kind::Enum,
                    format!("`{path}` is `{s}`, expected {list}{hint}"),
                );
            }
            return;
        }
        let number = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(x) if schema_is_numeric(schema) => x.trim().parse::<f64>().ok(),
            _ => None,
        };
        if let Some(x) = number {
            let min = schema.get("minimum").and_then(Value::as_f64);
            let max = schema.get("maximum").and_then(Value::as_f64);
            let xmin = schema.get("exclusiveMinimum").and_then(Value::as_f64);
            let xmax = schema.get("exclusiveMaximum").and_then(Value::as_f64);
            let bad = min.is_some_and(|m| x < m)
                || max.is_some_and(|m| x > m)
                || xmin.is_some_and(|m| x <= m)
                || xmax.is_some_and(|m| x >= m);
            if bad {
                let mut bounds = Vec::new();
                if let Some(m) = min {
                    bounds.push(format!("at least {m}"));
                }
                if let Some(m) = xmin {
                    bounds.push(format!("more than {m}"));
                }
                if let Some(m) = max {
                    bounds.push(format!("at most {m}"));
                }
                if let Some(m) = xmax {
                    bounds.push(format!("less than {m}"));
                }
                push(
                    out,
                    Kind::Range,
                    format!("`{path}` is {s}, expected {}", bounds.join(" and ")),
                );
            }
        }
        if let Value::String(raw) = value {
            let len = raw.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && len < min
            {
                push(
                    out,
                    Kind::Range,
                    format!("`{path}` is {len} characters long, expected at least {min}"),
                );
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && len > max
            {
                push(
                    out,
                    Kind::Range,
                    format!("`{path}` is {len} characters long, expected at most {max}"),
                );
            }
            if let Some(p) = schema.get("pattern").and_then(Value::as_str)
                && let Some(r) = pattern::compiled(p)
                && !r.is_match(raw)
            {
                push(
                    out,
                    Kind::Pattern,
                    format!("`{path}` is {}, which does not match `{p}`", shown(value)),
                );
            }
        }
    }
}

fn schema_is_numeric(schema: &Value) -> bool {
    type_names(schema).is_some_and(|ts| ts.iter().any(|t| matches!(*t, "integer" | "number")))
}

fn type_names(schema: &Value) -> Option<Vec<&str>> {
    match schema.get("type")? {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

fn function_name(value: &Value) -> String {
    match value {
        Value::Object(map) => match map.iter().next() {
            Some((k, Value::String(s))) if k == "Ref" => format!("`Ref {s}`"),
            Some((k, _)) => format!("`{k}`"),
            None => "the function".into(),
        },
        _ => "the dynamic reference".into(),
    }
}

fn shape_words(shape: Shape) -> &'static str {
    match shape {
        Shape::List => "a list",
        Shape::String => "a string",
        Shape::Number => "a number",
        Shape::Integer => "an integer",
    }
}
