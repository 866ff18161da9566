//! Navigating a reduced resource schema: `$ref`, the types a position accepts, and the
//! attributes `Fn::GetAtt` may name.

use preflight_policy::pointer::unescape;
use serde_json::Value;

/// Follows `$ref` (local `#/definitions/...` and `#/properties/...` only) until a
/// schema without one; `None` when a reference names nothing or loops.
pub fn deref<'s>(root: &'s Value, mut schema: &'s Value) -> Option<&'s Value> {
    for _ in 0..32 {
        let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
            return Some(schema);
        };
        schema = pointer(root, target.strip_prefix('#')?)?;
    }
    None
}

fn pointer<'s>(root: &'s Value, path: &str) -> Option<&'s Value> {
    let mut node = root;
    for token in path.split('/').skip(1) {
        node = node.get(&*unescape(token))?;
    }
    Some(node)
}

/// The JSON types a position accepts (`None`: any). Follows `$ref` and takes the union
/// over `anyOf`/`oneOf` branches.
pub fn types<'s>(root: &'s Value, schema: &'s Value) -> Option<Vec<&'s str>> {
    types_at(root, schema, 0)
}

fn types_at<'s>(root: &'s Value, schema: &'s Value, depth: usize) -> Option<Vec<&'s str>> {
    if depth > 16 {
        return None;
    }
    let schema = deref(root, schema)?;
    match schema.get("type") {
        Some(Value::String(t)) => return Some(vec![t.as_str()]),
        Some(Value::Array(ts)) => return Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let mut all = Vec::new();
            for b in branches {
                for t in types_at(root, b, depth + 1)? {
                    if !all.contains(&t) {
                        all.push(t);
                    }
                }
            }
            return (!all.is_empty()).then_some(all);
        }
    }
    None
}

/// The schema of a property path such as `/properties/Endpoint/Address` (as written
/// in `readOnlyProperties`; `*` steps into array items).
pub fn at_path<'s>(root: &'s Value, path: &str) -> Option<&'s Value> {
    let mut node = root;
    let mut parts = path.split('/').skip(1);
    if parts.next()? != "properties" {
        return None;
    }
    for part in parts {
        node = deref(root, node)?;
        node = if part == "*" {
            node.get("items")?
        } else {
            node.get("properties")?.get(part)?
        };
    }
    deref(root, node)
}

/// The schema pointer of attribute `name`, from the schema's `x-getatt` list (names may
/// hold `*`, which matches any text).
pub fn getatt<'s>(root: &'s Value, name: &str) -> Option<&'s str> {
    let list = root.get("x-getatt")?.as_array()?;
    let mut best: Option<(&str, &str)> = None;
    for entry in list {
        let (Some(pattern), Some(ptr)) = (entry[0].as_str(), entry[1].as_str()) else {
            continue;
        };
        if glob(pattern, name) && best.is_none_or(|(p, _)| pattern.len() > p.len()) {
            best = Some((pattern, ptr));
        }
    }
    best.map(|(_, ptr)| ptr)
}

/// The names `Fn::GetAtt` may use, as written in the data.
pub fn getatt_names(root: &Value) -> Vec<&str> {
    root.get("x-getatt")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e[0].as_str())
        .collect()
}

/// `*` matches any text (also none).
fn glob(pattern: &str, text: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut text) = text.strip_prefix(head) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('*').collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return text.ends_with(part);
        }
        match text.find(part) {
            Some(at) => text = &text[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("Outputs.*", "Outputs.Url"));
        assert!(!glob("Outputs.*", "Output"));
        assert!(glob("*", "Anything"));
        assert!(glob("Treatments*.Key", "Treatments.0.Key"));
        assert!(glob("Arn", "Arn"));
        assert!(!glob("Arn", "Arns"));
    }
}
