//! The document the built-in `guard` policy evaluates: the template as cfn-guard 3.2.1
//! reads it, so that Guard rules give the statuses they give under `cfn-guard validate`.
//!
//! preflight's loader reads YAML as CloudFormation means it (`!GetAtt A.B` is
//! `{"Fn::GetAtt": ["A", "B"]}`, YAML 1.2 scalars). cfn-guard's own loader (libyaml, read
//! through its `Loader`) differs, and Guard rules are written against it:
//!
//! - a short-form tag on a scalar becomes `{"<long form>": "<text>"}` when it is one of
//!   `Ref`, `GetAtt`, `Base64`, `Sub`, `GetAZs`, `ImportValue`, `Condition`, `RefAll`
//!   (so `!GetAtt A.B` is `{"Fn::GetAtt": "A.B"}`), and the plain text otherwise; on a
//!   sequence, `{"<long form>": [...]}` for the list-taking functions, and the bare list
//!   otherwise; a tag on a mapping is ignored;
//! - an unquoted scalar is an integer if Rust parses it as `i64`, else a float if it parses
//!   as `f64`, else `true`/`yes`/`on`/`y` and `false`/`no`/`off`/`n` (lower case only:
//!   `True` stays a string) are booleans, `~` and `null` (any case) are null, and anything
//!   else, the empty value included, is a string; quoted and block scalars are strings;
//!   `!!bool`, `!!int`, `!!float`, `!!null` are honoured;
//! - only the first document is read.
//!
//! Where cfn-guard's loader refuses a file that preflight's accepts (aliases, keys that
//! are not strings, values its `!!` tags reject, numbers JSON cannot hold), the
//! canonical value is used instead: the template is still checked, as preflight reads it.

use libyaml_safer::{EventData, Parser, ScalarStyle};
use preflight_template::Template;
use serde_json::{Map, Number, Value};

use super::tags::{local_tag, scalar_function, sequence_function};

const TYPE_REF_PREFIX: &str = "tag:yaml.org,2002:";

/// The template as JSON text for the `guard` policy: cfn-guard's reading of its source,
/// or the canonical JSON where cfn-guard's loader would refuse it.
pub fn json(template: &Template) -> String {
    match view(template.source()) {
        Some(value) => value.to_string(),
        None => template.to_json(),
    }
}

/// The same for a value loaded from a file (Guard input parameters).
pub fn value(template: Template) -> Value {
    view(template.source()).unwrap_or_else(|| template.into_value())
}

enum Frame {
    Map(Map<String, Value>, Option<String>),
    Seq(Vec<Value>, Option<&'static str>),
}

/// Reads `text` as cfn-guard's loader does; `None` where it would refuse it.
pub fn view(text: &str) -> Option<Value> {
    // libyaml-safer has a few panicking paths on odd input: treat them as a refusal.
    std::panic::catch_unwind(|| read(text)).ok().flatten()
}

fn read(text: &str) -> Option<Value> {
    let mut input = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let event = parser.parse().ok()?;
        let done = match event.data {
            EventData::StreamEnd => return None,
            EventData::StreamStart { .. }
            | EventData::DocumentStart { .. }
            | EventData::DocumentEnd { .. } => continue,
            EventData::Alias { .. } => return None,
            EventData::Scalar {
                tag, value, style, ..
            } => scalar(tag.as_deref(), value, style)?,
            EventData::SequenceStart { tag, .. } => {
                let wrap = tag
                    .as_deref()
                    .and_then(local_tag)
                    .and_then(sequence_function);
                stack.push(Frame::Seq(Vec::new(), wrap));
                continue;
            }
            EventData::MappingStart { .. } => {
                stack.push(Frame::Map(Map::new(), None));
                continue;
            }
            EventData::SequenceEnd => match stack.pop()? {
                Frame::Seq(items, None) => Value::Array(items),
                Frame::Seq(items, Some(function)) => {
                    let mut map = Map::new();
                    map.insert(function.to_string(), Value::Array(items));
                    Value::Object(map)
                }
                Frame::Map(..) => return None,
            },
            EventData::MappingEnd => match stack.pop()? {
                Frame::Map(map, None) => Value::Object(map),
                _ => return None,
            },
        };
        // A complete node: into its parent, or it is the document.
        match stack.last_mut() {
            None => return Some(done),
            Some(Frame::Seq(items, _)) => items.push(done),
            Some(Frame::Map(map, key)) => match key.take() {
                Some(k) => {
                    map.insert(k, done);
                }
                None => match done {
                    Value::String(k) => *key = Some(k),
                    // cfn-guard: "InvalidKeyType".
                    _ => return None,
                },
            },
        }
    }
}

fn scalar(tag: Option<&str>, text: String, style: ScalarStyle) -> Option<Value> {
    if let Some(tag) = tag {
        if let Some(local) = local_tag(tag) {
            return Some(match scalar_function(local) {
                Some(function) => {
                    let mut map = Map::new();
                    map.insert(function.to_string(), Value::String(text));
                    Value::Object(map)
                }
                None => Value::String(text),
            });
        }
        if let Some(kind) = tag.trim_start_matches('!').strip_prefix(TYPE_REF_PREFIX) {
            return typed(kind, text);
        }
        return Some(Value::String(text));
    }
    if style != ScalarStyle::Plain {
        return Some(Value::String(text));
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    if let Ok(f) = text.parse::<f64>() {
        return Number::from_f64(f).map(Value::Number);
    }
    Some(match text.as_str() {
        "true" | "yes" | "on" | "y" => Value::Bool(true),
        "false" | "no" | "off" | "n" => Value::Bool(false),
        _ if matches!(text.to_lowercase().as_str(), "~" | "null") => Value::Null,
        _ => Value::String(text),
    })
}

/// A scalar with a `!!type` tag, as cfn-guard's `handle_type_ref`.
fn typed(kind: &str, text: String) -> Option<Value> {
    match kind {
        "bool" => Some(match text.parse::<bool>() {
            Ok(b) => Value::Bool(b),
            Err(_) => Value::String(text),
        }),
        "int" => text.parse::<i64>().ok().map(Value::from),
        "float" => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        "null" => Some(Value::Null),
        _ => Some(Value::String(text)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_yaml_as_cfn_guard_does() {
        let v = view(
            "A: !GetAtt B.Arn\nC: !GetAtt [B, Arn]\nD: !Ref X\nE: !Cidr [a, 1]\nF: !Select 1\n\
             G: True\nH: yes\nI: off\nJ:\nK: NULL\nL: '5'\nM: 5\nN: 1.5\nO: 1e3\nP: !!str 7\n\
             Q: !If [c, 1, 2]\nR: !Transform {Name: x}\nS: 0x1F\nT: +7\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({
                "A": {"Fn::GetAtt": "B.Arn"},
                "C": {"Fn::GetAtt": ["B", "Arn"]},
                "D": {"Ref": "X"},
                "E": ["a", 1],
                "F": "1",
                "G": "True",
                "H": true,
                "I": false,
                "J": "",
                "K": null,
                "L": "5",
                "M": 5,
                "N": 1.5,
                "O": 1000.0,
                "P": "7",
                "Q": {"Fn::If": ["c", 1, 2]},
                "R": {"Name": "x"},
                "S": "0x1F",
                "T": 7
            })
        );
    }

    #[test]
    fn json_reads_the_same_and_refusals_fall_back() {
        let v = view(r#"{"a": [1, 2.5, "x", true, null], "b": {"c": "d"}}"#).unwrap();
        assert_eq!(v, json!({"a": [1, 2.5, "x", true, null], "b": {"c": "d"}}));
        assert_eq!(view("a: &x 1\nb: *x\n"), None);
        assert_eq!(view("1: a\n"), None);
        assert_eq!(view("a: !!int x\n"), None);
        assert_eq!(view("a: [unclosed\n"), None);
        assert_eq!(view("a: 1\n---\nb: 2\n").unwrap(), json!({"a": 1}));
    }
}
