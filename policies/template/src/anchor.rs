//! Where to point a finding about something that is missing: at the key of the mapping
//! that should hold it.

use preflight_policy::pointer::unescape;
use preflight_policy::{Finding, Findings, Node, Resource};

/// Reports something missing from a resource's properties: at its `Properties` key, or
/// at its logical id when it has no `Properties`.
pub fn missing_property<'f>(
    out: &'f mut Findings,
    r: &Resource,
    message: String,
) -> &'f mut Finding {
    match r.properties() {
        Some(properties) => out.add(&properties, message).highlight("Properties"),
        None => at_key(out, &r.node, r.id, message),
    }
}

/// Reports at the key of a mapping member (`node` is the member, `key` its name).
pub fn at_key<'f>(
    out: &'f mut Findings,
    node: &Node,
    key: &str,
    message: String,
) -> &'f mut Finding {
    out.add(node, message).highlight(key)
}

/// Reports at `node`; when it is a mapping member with a scalar value, narrows the
/// location to the value (unless the key contains the same text, which the narrowing
/// would find first).
pub fn value<'f>(out: &'f mut Findings, node: &Node, message: String) -> &'f mut Finding {
    let key = unescape(node.pointer().rsplit('/').next().unwrap_or_default()).into_owned();
    let finding = out.add(node, message);
    let text = match node.value() {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    if !text.is_empty() && !key.contains(text.as_str()) {
        finding.highlight(text);
    }
    finding
}
