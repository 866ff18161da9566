//! Iterative traversal of a template's nodes: templates nest deeply and guests have
//! small stacks, so nothing here recurses.

use preflight_policy::Node;
use serde_json::Value;

/// Every node under `root` (itself included), parents before children, in source order.
pub fn nodes(root: Node<'_>) -> Nodes<'_> {
    Nodes { stack: vec![root] }
}

/// The iterator returned by [`nodes`].
pub struct Nodes<'a> {
    stack: Vec<Node<'a>>,
}

impl<'a> Iterator for Nodes<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        let node = self.stack.pop()?;
        let before = self.stack.len();
        self.stack.extend(node.items());
        self.stack.extend(node.entries().map(|(_, child)| child));
        self.stack[before..].reverse();
        Some(node)
    }
}

/// Whether `found` holds for any value under `value` (itself included): a walk of values
/// only, without pointers or recursion.
pub fn any_value(value: &Value, found: impl Fn(&Value) -> bool) -> bool {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        if found(value) {
            return true;
        }
        match value {
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// The one-key mapping `{"Fn::Name": args}` or `{"Ref": args}` that `node` is, whatever
/// the shape of `args`: (function name, arguments node).
pub fn function_call<'a>(node: &Node<'a>) -> Option<(&'a str, Node<'a>)> {
    let map = node.value().as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (name, _) = map.iter().next()?;
    if name == "Ref" || name.starts_with("Fn::") {
        Some((name.as_str(), node.get(name)?))
    } else {
        None
    }
}

/// Whether a one-key mapping's key names a preprocessor's function rather than
/// CloudFormation's: namespaced (`Fn::Rain::Embed`, as an unknown tag `!Rain::Embed`
/// loads) or in rain's own long form (`Rain::Embed`).
pub fn is_preprocessor_function(name: &str) -> bool {
    match name.strip_prefix("Fn::") {
        Some(rest) => rest.contains("::") && !rest.starts_with("ForEach::"),
        None => name.starts_with("Rain::"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walks_in_source_order_without_recursion() {
        let value = json!({"a": [1, {"b": 2}], "c": 3});
        let pointers: Vec<String> = nodes(Node::root(&value))
            .map(|n| n.pointer().to_string())
            .collect();
        assert_eq!(pointers, ["", "/a", "/a/0", "/a/1", "/a/1/b", "/c"]);
    }

    #[test]
    fn walks_deep_nesting() {
        let mut value = json!(1);
        for _ in 0..2_000 {
            value = json!([value]);
        }
        assert_eq!(nodes(Node::root(&value)).count(), 2_001);
    }

    #[test]
    fn function_calls() {
        let value = json!({"Fn::Join": 3});
        let node = Node::root(&value);
        let (name, args) = function_call(&node).unwrap();
        assert_eq!((name, args.pointer()), ("Fn::Join", "/Fn::Join"));
        assert!(function_call(&Node::root(&json!({"Ref": "A", "B": 1}))).is_none());
    }
}
