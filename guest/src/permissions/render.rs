//! Symbolic rendering of template values, `Fn::If` expansion, canonical JSON and
//! wildcard matching: the small tools the permission model and the diff share.
//!
//! Nothing here recurses without bound: rendering nests at most [`MAX_DEPTH`] intrinsics
//! deep (deeper parts render as `…`), and the canonical JSON writer and `Fn::If`
//! expansion use explicit stacks.

use serde_json::{Map, Value};

use crate::pointer::escape;

use super::Branch;

/// How deep [`render`] follows nested intrinsics and literals inside them before it
/// writes `…` instead.
pub const MAX_DEPTH: usize = 32;

/// At most this many alternatives come out of one `Fn::If` expansion.
const MAX_BRANCHES: usize = 256;

/// Renders a value as one string, keeping intrinsics symbolic, the way `cdk diff` does:
/// `{"Ref": "B"}` → `${B}`, `{"Fn::GetAtt": ["B", "Arn"]}` → `${B.Arn}`, `Fn::Sub`
/// → its string with local variables substituted, `Fn::Join` over a literal list →
/// the joined string, any other intrinsic (`Fn::If`, `Fn::ImportValue`, ...) → compact
/// JSON of the call with its arguments rendered, e.g. `{"Fn::If":["C","a","b"]}`.
/// Literal strings come out unchanged, numbers and booleans as written, mappings and
/// sequences as compact JSON with sorted keys.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    render_into(value, &mut out, 0);
    out
}

fn render_into(value: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push('…');
        return;
    }
    match value {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        Value::Array(_) => json_into(value, out, depth + 1),
        Value::Object(map) => match intrinsic(map) {
            Some((name, args)) => render_intrinsic(name, args, out, depth),
            None => json_into(value, out, depth + 1),
        },
    }
}

fn render_intrinsic(name: &str, args: &Value, out: &mut String, depth: usize) {
    match (name, args) {
        ("Ref", Value::String(target)) => {
            out.push_str("${");
            out.push_str(target);
            out.push('}');
        }
        ("Fn::GetAtt", Value::String(dotted)) => {
            out.push_str("${");
            out.push_str(dotted);
            out.push('}');
        }
        ("Fn::GetAtt", Value::Array(items)) if !items.is_empty() => {
            out.push_str("${");
            render_into(&items[0], out, depth + 1);
            for item in &items[1..] {
                out.push('.');
                render_into(item, out, depth + 1);
            }
            out.push('}');
        }
        ("Fn::Sub", Value::String(template)) => out.push_str(template),
        ("Fn::Sub", Value::Array(items)) if items.first().is_some_and(Value::is_string) => {
            let template = items[0].as_str().unwrap_or_default();
            match items.get(1).and_then(Value::as_object) {
                Some(vars) => substitute(template, vars, out, depth),
                None => out.push_str(template),
            }
        }
        ("Fn::Join", Value::Array(items))
            if items.len() == 2 && items[0].is_string() && items[1].is_array() =>
        {
            let separator = items[0].as_str().unwrap_or_default();
            let mut first = true;
            for part in items[1].as_array().into_iter().flatten() {
                if is_no_value(part) {
                    continue;
                }
                if !first {
                    out.push_str(separator);
                }
                first = false;
                render_into(part, out, depth + 1);
            }
        }
        _ => {
            out.push_str("{\"");
            push_escaped(name, out);
            out.push_str("\":");
            json_into(args, out, depth + 1);
            out.push('}');
        }
    }
}

/// Replaces `${name}` placeholders that name a local variable of `Fn::Sub` with the
/// variable's rendering; leaves every other placeholder as written.
fn substitute(template: &str, vars: &Map<String, Value>, out: &mut String, depth: usize) {
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(len) = after.find('}') else {
            out.push_str(&rest[start..]);
            return;
        };
        let name = &after[..len];
        match vars.get(name.trim()) {
            Some(value) if !name.starts_with('!') => render_into(value, out, depth + 1),
            _ => out.push_str(&rest[start..start + 2 + len + 1]),
        }
        rest = &after[len + 1..];
    }
    out.push_str(rest);
}

/// Compact JSON with sorted keys, intrinsics inside rendered as strings.
fn json_into(value: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("\"…\"");
        return;
    }
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_into(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => match intrinsic(map) {
            None => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    push_escaped(key, out);
                    out.push_str("\":");
                    json_into(&map[key], out, depth + 1);
                }
                out.push('}');
            }
            Some(("Ref" | "Fn::GetAtt" | "Fn::Sub" | "Fn::Join", _)) => {
                // Calls that yield a string: render them to that string.
                let mut s = String::new();
                render_into(value, &mut s, depth + 1);
                out.push('"');
                push_escaped(&s, out);
                out.push('"');
            }
            Some((name, args)) => {
                out.push_str("{\"");
                push_escaped(name, out);
                out.push_str("\":");
                json_into(args, out, depth + 1);
                out.push('}');
            }
        },
        Value::String(s) => {
            out.push('"');
            push_escaped(s, out);
            out.push('"');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn push_escaped(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

/// A mapping that is an intrinsic call as `cdk diff` sees one: one key, `Ref` or
/// `Fn::*`. Returns (name, arguments).
pub(crate) fn intrinsic(map: &Map<String, Value>) -> Option<(&str, &Value)> {
    if map.len() != 1 {
        return None;
    }
    let (name, args) = map.iter().next()?;
    (name == "Ref" || name.starts_with("Fn::")).then_some((name.as_str(), args))
}

/// Whether `value` is `{"Ref": "AWS::NoValue"}`.
pub fn is_no_value(value: &Value) -> bool {
    value
        .as_object()
        .and_then(intrinsic)
        .is_some_and(|(name, args)| name == "Ref" && args.as_str() == Some("AWS::NoValue"))
}

/// One alternative of a value after `Fn::If` expansion: the value, its JSON pointer and
/// the branches taken to reach it.
#[derive(Debug, Clone)]
pub(crate) struct Alt<'a> {
    pub value: &'a Value,
    pub pointer: String,
    pub when: Vec<Branch>,
}

/// Expands `Fn::If` at the top of `value` (and in its chosen branches), keeping both
/// branches, each tagged with the condition it needs. `AWS::NoValue` alternatives are
/// dropped. A value that is not an `Fn::If` comes back alone with `when`.
pub(crate) fn alternatives<'a>(value: &'a Value, pointer: &str, when: &[Branch]) -> Vec<Alt<'a>> {
    let mut out = Vec::new();
    let mut stack = vec![Alt {
        value,
        pointer: pointer.to_string(),
        when: when.to_vec(),
    }];
    while let Some(alt) = stack.pop() {
        if out.len() >= MAX_BRANCHES {
            break;
        }
        if is_no_value(alt.value) {
            continue;
        }
        if let Some(("Fn::If", Value::Array(args))) = alt.value.as_object().and_then(intrinsic)
            && args.len() == 3
        {
            let condition = render(&args[0]);
            // Push the else branch first so the then branch comes out first.
            for (index, taken) in [(2usize, false), (1, true)] {
                let mut when = alt.when.clone();
                add_branch(&mut when, &condition, taken);
                stack.push(Alt {
                    value: &args[index],
                    pointer: format!("{}/Fn::If/{index}", alt.pointer),
                    when,
                });
            }
            continue;
        }
        out.push(alt);
    }
    out
}

/// Adds a branch to a guard, kept sorted and without duplicates.
pub(crate) fn add_branch(when: &mut Vec<Branch>, condition: &str, value: bool) {
    let branch = Branch {
        condition: condition.to_string(),
        value,
    };
    if let Err(at) = when.binary_search(&branch) {
        when.insert(at, branch);
    }
}

/// The items of a value that may be one item or a sequence of them, each expanded for
/// `Fn::If` (at the top and per item). `null` and `AWS::NoValue` give nothing.
pub(crate) fn items<'a>(value: &'a Value, pointer: &str, when: &[Branch]) -> Vec<Alt<'a>> {
    let mut out = Vec::new();
    for alt in alternatives(value, pointer, when) {
        match alt.value {
            Value::Array(list) => {
                for (i, item) in list.iter().enumerate() {
                    let at = format!("{}/{i}", alt.pointer);
                    for inner in alternatives(item, &at, &alt.when) {
                        if !inner.value.is_null() {
                            out.push(inner);
                        }
                    }
                }
            }
            Value::Null => {}
            _ => out.push(alt),
        }
    }
    out
}

/// JSON pointer of a member of the node at `pointer`.
pub(crate) fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape(key))
}

/// Writes `value` as compact JSON with every mapping's keys sorted, without recursion.
/// Two values that differ only in key order give the same text.
pub fn canonical_json(value: &Value) -> String {
    enum Task<'a> {
        Value(&'a Value),
        Raw(&'static str),
        Key(&'a str),
    }
    let mut out = String::new();
    let mut stack = vec![Task::Value(value)];
    while let Some(task) = stack.pop() {
        match task {
            Task::Raw(s) => out.push_str(s),
            Task::Key(k) => {
                out.push('"');
                push_escaped(k, &mut out);
                out.push_str("\":");
            }
            Task::Value(Value::Array(items)) => {
                out.push('[');
                stack.push(Task::Raw("]"));
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push(Task::Value(item));
                    if i > 0 {
                        stack.push(Task::Raw(","));
                    }
                }
            }
            Task::Value(Value::Object(map)) => {
                out.push('{');
                stack.push(Task::Raw("}"));
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for (i, key) in keys.into_iter().enumerate().rev() {
                    stack.push(Task::Value(&map[key]));
                    stack.push(Task::Key(key));
                    if i > 0 {
                        stack.push(Task::Raw(","));
                    }
                }
            }
            Task::Value(Value::String(s)) => {
                out.push('"');
                push_escaped(s, &mut out);
                out.push('"');
            }
            Task::Value(other) => out.push_str(&other.to_string()),
        }
    }
    out
}

/// Pretty JSON with sorted keys and two-space indent, without recursion; used for the
/// Condition column of the statement table.
#[allow(dead_code)] // used by the diff's table rows
pub(crate) fn pretty_json(value: &Value) -> String {
    enum Task<'a> {
        Value(&'a Value, usize),
        Raw(String),
    }
    let mut out = String::new();
    let mut stack = vec![Task::Value(value, 0)];
    while let Some(task) = stack.pop() {
        match task {
            Task::Raw(s) => out.push_str(&s),
            Task::Value(Value::Array(items), indent) if !items.is_empty() => {
                out.push_str("[\n");
                stack.push(Task::Raw(format!("\n{}]", "  ".repeat(indent))));
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push(Task::Value(item, indent + 1));
                    let sep = if i > 0 { ",\n" } else { "" };
                    stack.push(Task::Raw(format!("{sep}{}", "  ".repeat(indent + 1))));
                }
            }
            Task::Value(Value::Object(map), indent) if !map.is_empty() => {
                out.push_str("{\n");
                stack.push(Task::Raw(format!("\n{}}}", "  ".repeat(indent))));
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for (i, key) in keys.into_iter().enumerate().rev() {
                    stack.push(Task::Value(&map[key], indent + 1));
                    let mut head = String::new();
                    if i > 0 {
                        head.push_str(",\n");
                    }
                    head.push_str(&"  ".repeat(indent + 1));
                    head.push('"');
                    push_escaped(key, &mut head);
                    head.push_str("\": ");
                    stack.push(Task::Raw(head));
                }
            }
            Task::Value(Value::Array(_), _) => out.push_str("[]"),
            Task::Value(Value::Object(_), _) => out.push_str("{}"),
            Task::Value(Value::String(s), _) => {
                out.push('"');
                push_escaped(s, &mut out);
                out.push('"');
            }
            Task::Value(other, _) => out.push_str(&other.to_string()),
        }
    }
    out
}

/// IAM-style wildcard match: `*` matches any run of characters, `?` any one character
/// except a literal `*` in `text` (so that a pattern covers a narrower pattern but not a
/// wider one). Without recursion.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if ignore_case {
            s.chars().flat_map(char::to_lowercase).collect()
        } else {
            s.chars().collect()
        }
    };
    let p = norm(pattern);
    let t = norm(text);
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == t[ti] || (p[pi] == '?' && t[ti] != '*')) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_intrinsics_symbolically() {
        assert_eq!(render(&json!({"Ref": "B"})), "${B}");
        assert_eq!(render(&json!({"Fn::GetAtt": ["B", "Arn"]})), "${B.Arn}");
        assert_eq!(render(&json!({"Fn::GetAtt": "B.Arn"})), "${B.Arn}");
        assert_eq!(
            render(
                &json!({"Fn::Sub": ["arn:${AWS::Partition}:s3:::${b}/*", {"b": {"Ref": "Bucket"}}]})
            ),
            "arn:${AWS::Partition}:s3:::${Bucket}/*"
        );
        assert_eq!(
            render(&json!({"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "B"}, "/*"]]})),
            "arn:aws:s3:::${B}/*"
        );
        assert_eq!(
            render(&json!({"Fn::If": ["C", ["a"], ["b"]]})),
            r#"{"Fn::If":["C",["a"],["b"]]}"#
        );
        assert_eq!(
            render(&json!({"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-x"}})),
            r#"{"Fn::ImportValue":"${AWS::StackName}-x"}"#
        );
        assert_eq!(render(&json!(5)), "5");
        assert_eq!(
            render(&json!({"b": 1, "a": [true]})),
            r#"{"a":[true],"b":1}"#
        );
    }

    #[test]
    fn rendering_deep_values_stops() {
        let mut v = json!("x");
        for _ in 0..10_000 {
            let mut map = Map::new();
            map.insert("Fn::Base64".into(), v);
            v = Value::Object(map);
        }
        let s = render(&v);
        assert!(s.contains('…'));
        // Dropping a deeply nested value recurses in serde_json: leak it in the test.
        std::mem::forget(v);
        let mut v = json!(1);
        for _ in 0..10_000 {
            v = Value::Array(vec![v]);
        }
        assert_eq!(canonical_json(&v).len(), 20_001);
        // Dropping a deeply nested value recurses in serde_json: leak it in the test.
        std::mem::forget(v);
    }

    #[test]
    fn expands_if_on_both_sides() {
        let v = json!({"Fn::If": ["A", {"Fn::If": ["B", 1, {"Ref": "AWS::NoValue"}]}, 3]});
        let alts = alternatives(&v, "/x", &[]);
        let got: Vec<_> = alts
            .iter()
            .map(|a| (a.value.clone(), a.pointer.clone(), a.when.len()))
            .collect();
        assert_eq!(
            got,
            [
                (json!(1), "/x/Fn::If/1/Fn::If/1".to_string(), 2),
                (json!(3), "/x/Fn::If/2".to_string(), 1)
            ]
        );
        let list = json!(["a", {"Fn::If": ["C", "b", {"Ref": "AWS::NoValue"}]}]);
        assert_eq!(items(&list, "", &[]).len(), 2);
    }

    #[test]
    fn canonical_and_pretty_json_sort_keys() {
        let v = json!({"b": [1, {"d": null, "c": "x"}], "a": {}});
        assert_eq!(canonical_json(&v), r#"{"a":{},"b":[1,{"c":"x","d":null}]}"#);
        assert_eq!(
            pretty_json(&json!({"StringEquals": {"k": "v"}, "A": [1, 2]})),
            "{\n  \"A\": [\n    1,\n    2\n  ],\n  \"StringEquals\": {\n    \"k\": \"v\"\n  }\n}"
        );
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("s3:*", "s3:GetObject", true));
        assert!(wildcard_match("S3:get*", "s3:GetObject", true));
        assert!(wildcard_match("s3:*", "s3:Get*", true));
        assert!(!wildcard_match("s3:Get*", "s3:*", true));
        assert!(!wildcard_match("s3:?", "s3:*", true));
        assert!(wildcard_match("*", "", false));
        assert!(!wildcard_match("a", "A", false));
        assert!(wildcard_match(
            "arn:*:s3:::b/*",
            "arn:aws:s3:::b/x/y",
            false
        ));
    }
}
