//! `Transform: AWS::LanguageExtensions`, expanded as CloudFormation expands it before
//! anything judges the template, keeping every generated node's source span.
//!
//! - `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]`, in any
//!   mapping (sections, resources, properties, outputs) and nested: one copy of the
//!   fragment per item of the collection, with `${Identifier}` and `&{Identifier}` (the
//!   item with its non-alphanumeric characters dropped) replaced in keys and strings, and
//!   `{"Ref": Identifier}` replaced by the item. The collection is a literal list, or a
//!   `Ref` to a list parameter with a `Default`; any other collection is resolved at
//!   deploy time, so the fragment is expanded once with a placeholder item (as cfn-lint
//!   does), and what it contains is still checked. A generated node sits where its
//!   fragment is written, so a mistake inside a loop is reported at its line.
//! - `Fn::Length` of a literal list (or a list parameter's default) becomes its length;
//!   `Fn::ToJsonString` of a value with no function inside becomes its JSON text.
//! - A resource's `DeletionPolicy` or `UpdateReplacePolicy` written as `Ref` to a
//!   parameter with a `Default` becomes that default.
//!
//! The expansion is bounded: a template whose loops would generate more than
//! [`MAX_GENERATED`] nodes is refused.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::span::{Shape, Span, SpanNode, Spans};

/// Most nodes loops may generate.
pub const MAX_GENERATED: usize = 1_000_000;

/// The collection item used when a loop's collection is only known at deploy time.
const PLACEHOLDER: &str = "Placeholder";

const FOR_EACH: &str = "Fn::ForEach::";

/// Whether `value` declares the `AWS::LanguageExtensions` transform.
pub(crate) fn declared(value: &Value) -> bool {
    match value.get("Transform") {
        Some(Value::String(s)) => s == "AWS::LanguageExtensions",
        Some(Value::Array(items)) => items
            .iter()
            .any(|t| t.as_str() == Some("AWS::LanguageExtensions")),
        _ => false,
    }
}

/// Why the expansion stopped.
#[derive(Debug)]
pub(crate) struct TooLarge;

struct Expander {
    /// Parameter name → its default, split as a list parameter's is.
    lists: HashMap<String, Vec<String>>,
    /// Parameter name → its default as written.
    defaults: HashMap<String, Value>,
    generated: usize,
}

/// Expands the language extensions of a whole template.
pub(crate) fn expand(value: Value, spans: Spans) -> Result<(Value, Spans), TooLarge> {
    let spans = spans.into_tree();
    let mut lists = HashMap::new();
    let mut defaults = HashMap::new();
    if let Some(Value::Object(parameters)) = value.get("Parameters") {
        for (name, p) in parameters {
            let Some(default) = p.get("Default") else {
                continue;
            };
            defaults.insert(name.clone(), default.clone());
            let ty = p.get("Type").and_then(Value::as_str).unwrap_or("");
            let listed =
                ty == "CommaDelimitedList" || ty.starts_with("List<") || ty.contains("<List<");
            if listed {
                let items = match default {
                    Value::String(s) => s.split(',').map(|i| i.trim().to_string()).collect(),
                    Value::Array(a) => a.iter().filter_map(scalar_text).collect(),
                    _ => continue,
                };
                lists.insert(name.clone(), items);
            }
        }
    }
    let mut expander = Expander {
        lists,
        defaults,
        generated: 0,
    };
    let (value, spans) = expander.node(value, spans)?;
    let (value, spans) = expander.policies(value, spans);
    Ok((value, Spans::from_tree(spans)))
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A mapping's members with their spans, in source order.
type Members = Vec<(String, Span, Value, SpanNode)>;

fn split_map(map: Map<String, Value>, spans: SpanNode) -> (Members, Span) {
    let span = spans.span;
    let mut by_key: HashMap<String, (Span, SpanNode)> = match spans.shape {
        Shape::Map(members) => members.into_iter().map(|(k, s, n)| (k, (s, n))).collect(),
        _ => HashMap::new(),
    };
    let members = map
        .into_iter()
        .map(|(k, v)| {
            let (ks, n) = by_key
                .remove(&k)
                .unwrap_or_else(|| (span, SpanNode::leaf(span)));
            (k, ks, v, n)
        })
        .collect();
    (members, span)
}

fn join_map(members: Members, span: Span) -> (Value, SpanNode) {
    // Later members win over earlier ones of the same key, as in the value.
    let mut order: Vec<(String, Span, Value, SpanNode)> = Vec::with_capacity(members.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for member in members {
        match at.get(&member.0) {
            Some(&i) => order[i] = member,
            None => {
                at.insert(member.0.clone(), order.len());
                order.push(member);
            }
        }
    }
    let mut map = Map::with_capacity(order.len());
    let mut spans = Vec::with_capacity(order.len());
    for (k, ks, v, n) in order {
        map.insert(k.clone(), v);
        spans.push((k, ks, n));
    }
    (
        Value::Object(map),
        SpanNode {
            span,
            shape: Shape::Map(spans),
        },
    )
}

impl Expander {
    fn node(&mut self, value: Value, spans: SpanNode) -> Result<(Value, SpanNode), TooLarge> {
        match value {
            Value::Object(map) => {
                let (members, span) = split_map(map, spans);
                let members = self.members(members)?;
                let (value, node) = join_map(members, span);
                Ok(self.function(value, node))
            }
            Value::Array(items) => {
                let span = spans.span;
                let children = match spans.shape {
                    Shape::Seq(children) => children,
                    _ => Vec::new(),
                };
                let mut children = children.into_iter();
                let mut out_items = Vec::with_capacity(items.len());
                let mut out_spans = Vec::with_capacity(items.len());
                for item in items {
                    let child = children.next().unwrap_or_else(|| SpanNode::leaf(span));
                    let (v, s) = self.node(item, child)?;
                    out_items.push(v);
                    out_spans.push(s);
                }
                Ok((
                    Value::Array(out_items),
                    SpanNode {
                        span,
                        shape: Shape::Seq(out_spans),
                    },
                ))
            }
            other => Ok((other, spans)),
        }
    }

    /// Expands the loops among a mapping's members (and everything inside them).
    fn members(&mut self, members: Members) -> Result<Members, TooLarge> {
        let mut out = Vec::with_capacity(members.len());
        for (key, key_span, value, node) in members {
            let Some(lp) = Loop::read(&key, &value, &node) else {
                let (v, n) = self.node(value, node)?;
                out.push((key, key_span, v, n));
                continue;
            };
            let items = self.collection(&lp.collection);
            for item in items {
                let mut generated = Vec::new();
                for (k, ks, v, n) in &lp.fragment {
                    let k = substitute_text(k, &lp.identifier, &item);
                    let (v, n) = substitute(v, n, &lp.identifier, &item);
                    self.generated += count(&v);
                    if self.generated > MAX_GENERATED {
                        return Err(TooLarge);
                    }
                    generated.push((k, *ks, v, n));
                }
                // Nested loops, and loops inside the generated values.
                out.extend(self.members(generated)?);
            }
        }
        Ok(out)
    }

    fn collection(&self, collection: &Value) -> Vec<String> {
        match collection {
            Value::Array(items) => {
                let texts: Vec<String> = items.iter().filter_map(scalar_text).collect();
                if texts.len() == items.len() {
                    return texts;
                }
            }
            Value::Object(map) if map.len() == 1 => {
                if let Some(Value::String(name)) = map.get("Ref")
                    && let Some(items) = self.lists.get(name)
                {
                    return items.clone();
                }
            }
            _ => {}
        }
        vec![PLACEHOLDER.to_string()]
    }

    /// `Fn::Length` and `Fn::ToJsonString` with arguments known before deploying.
    fn function(&self, value: Value, node: SpanNode) -> (Value, SpanNode) {
        let Some(map) = value.as_object().filter(|m| m.len() == 1) else {
            return (value, node);
        };
        let leaf = SpanNode::leaf(node.span);
        if let Some(args) = map.get("Fn::Length") {
            let length = match args {
                Value::Array(items) => Some(items.len()),
                Value::Object(r) if r.len() == 1 => r
                    .get("Ref")
                    .and_then(Value::as_str)
                    .and_then(|name| self.lists.get(name))
                    .map(Vec::len),
                _ => None,
            };
            if let Some(n) = length {
                return (Value::from(n), leaf);
            }
        }
        if let Some(args) = map.get("Fn::ToJsonString")
            && !has_function(args)
        {
            return (Value::String(args.to_string()), leaf);
        }
        (value, node)
    }

    /// `DeletionPolicy: !Ref P` and `UpdateReplacePolicy: !Ref P`, by the default of `P`.
    /// The attribute keeps the span of the `Ref` it replaces.
    fn policies(&self, mut value: Value, spans: SpanNode) -> (Value, SpanNode) {
        let Some(Value::Object(resources)) = value.get_mut("Resources") else {
            return (value, spans);
        };
        for resource in resources.values_mut() {
            let Some(resource) = resource.as_object_mut() else {
                continue;
            };
            for attribute in ["DeletionPolicy", "UpdateReplacePolicy"] {
                let Some(policy) = resource.get(attribute) else {
                    continue;
                };
                let name = policy
                    .as_object()
                    .filter(|m| m.len() == 1)
                    .and_then(|m| m.get("Ref"))
                    .and_then(Value::as_str);
                if let Some(default) = name.and_then(|n| self.defaults.get(n))
                    && default.is_string()
                {
                    resource.insert(attribute.to_string(), default.clone());
                }
            }
        }
        (value, spans)
    }
}

/// A loop as written: `Fn::ForEach::Name: [identifier, collection, fragment]`.
struct Loop {
    identifier: String,
    collection: Value,
    fragment: Vec<(String, Span, Value, SpanNode)>,
}

impl Loop {
    fn read(key: &str, value: &Value, node: &SpanNode) -> Option<Loop> {
        if !key.starts_with(FOR_EACH) {
            return None;
        }
        let [
            Value::String(identifier),
            collection,
            Value::Object(fragment),
        ] = value.as_array()?.as_slice()
        else {
            return None;
        };
        let Shape::Seq(parts) = &node.shape else {
            return None;
        };
        let fragment_spans = parts.get(2)?.clone();
        let (fragment, _) = split_map(fragment.clone(), fragment_spans);
        Some(Loop {
            identifier: identifier.clone(),
            collection: collection.clone(),
            fragment,
        })
    }
}

/// `${id}` → `item`, `&{id}` → `item` without its non-alphanumeric characters.
fn substitute_text(text: &str, id: &str, item: &str) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let alnum: String = item.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    text.replace(&format!("${{{id}}}"), item)
        .replace(&format!("&{{{id}}}"), &alnum)
}

/// A copy of a fragment's value for one item: text substituted, `Ref` to the identifier
/// replaced by the item. Spans are the fragment's.
fn substitute(value: &Value, node: &SpanNode, id: &str, item: &str) -> (Value, SpanNode) {
    match value {
        Value::String(s) => (Value::String(substitute_text(s, id, item)), node.clone()),
        Value::Array(items) => {
            let children: &[SpanNode] = match &node.shape {
                Shape::Seq(c) => c,
                _ => &[],
            };
            let mut out = Vec::with_capacity(items.len());
            let mut spans = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                let child = children
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| SpanNode::leaf(node.span));
                let (v, s) = substitute(v, &child, id, item);
                out.push(v);
                spans.push(s);
            }
            (
                Value::Array(out),
                SpanNode {
                    span: node.span,
                    shape: Shape::Seq(spans),
                },
            )
        }
        Value::Object(map) => {
            if map.len() == 1 && map.get("Ref").and_then(Value::as_str) == Some(id) {
                return (Value::String(item.to_string()), SpanNode::leaf(node.span));
            }
            let members: &[(String, Span, SpanNode)] = match &node.shape {
                Shape::Map(m) => m,
                _ => &[],
            };
            let span_of = |k: &str| members.iter().find(|(mk, _, _)| mk == k);
            let mut out = Map::with_capacity(map.len());
            let mut spans = Vec::with_capacity(map.len());
            for (k, v) in map {
                let (ks, child) = span_of(k)
                    .map(|(_, ks, n)| (*ks, n.clone()))
                    .unwrap_or((node.span, SpanNode::leaf(node.span)));
                let (v, s) = substitute(v, &child, id, item);
                let k = substitute_text(k, id, item);
                out.insert(k.clone(), v);
                spans.push((k, ks, s));
            }
            (
                Value::Object(out),
                SpanNode {
                    span: node.span,
                    shape: Shape::Map(spans),
                },
            )
        }
        other => (other.clone(), node.clone()),
    }
}

fn count(value: &Value) -> usize {
    let mut stack = vec![value];
    let mut n = 0;
    while let Some(v) = stack.pop() {
        n += 1;
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    n
}

/// Whether a function call (`Ref`, `Fn::*`, `Condition`) appears anywhere in `value`.
fn has_function(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                if map.len() == 1
                    && map
                        .keys()
                        .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
                {
                    return true;
                }
                stack.extend(map.values());
            }
            _ => {}
        }
    }
    false
}
