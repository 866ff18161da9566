//! A conftest rule's value, turned into findings.
//!
//! conftest rules produce a set of messages (`deny contains msg if {...}`), a set of
//! objects with a `msg` (`violation`), or a boolean (`deny if {...}`). Here an object
//! result may also say where the problem is, so the finding gets a line and column:
//!
//! | key | meaning |
//! |---|---|
//! | `msg` | the message (required in an object, as in conftest) |
//! | `resource` | the logical id of the resource concerned |
//! | `path` | where in the template: a list of keys and indexes, from the template root (`["Resources", name, "Properties", "VersioningConfiguration"]`), or from the resource when `resource` is given and the path does not start with `"Resources"` (`["Properties", "VersioningConfiguration"]`) |
//! | `pointer` | the same as an RFC 6901 JSON pointer (`/Resources/Bucket/Properties`) |
//! | `severity` | `info`, `low`, `medium`, `high` or `critical`, instead of the rule's |
//!
//! Other keys are kept by conftest as metadata and ignored here. A location that goes
//! past what the template holds (the property that is missing) stops at the deepest node
//! that exists, so "this bucket has no `VersioningConfiguration`" points at the bucket's
//! `Properties`, or at the bucket.

use preflight_policy::pointer::{escape, unescape};
use preflight_policy::{Finding, Severity};
use serde_json::Value;

use crate::settings;

/// One result of a rule, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The message.
    pub message: String,
    /// The logical id, when known.
    pub resource: Option<String>,
    /// The JSON pointer of the deepest existing node of the location given.
    pub pointer: String,
    /// The result's own severity, if it gave a valid one.
    pub severity: Option<Severity>,
    /// What was wrong with the result's keys, if anything (reported in the message).
    pub problem: Option<String>,
}

/// The results in a rule's value: the members of a set (or array), one result for a
/// message or an object with `msg`, one for `true`, none for `false`, and each value of
/// an object keyed by anything else (a partial object rule).
pub fn results(value: &Value, rule_path: &str) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Bool(true) => vec![Value::String(format!("`{rule_path}` is true"))],
        Value::Bool(false) | Value::Null => Vec::new(),
        Value::Object(map) if !map.contains_key("msg") => map.values().cloned().collect(),
        other => vec![other.clone()],
    }
}

/// Reads one result against the template it is about.
pub fn outcome(result: &Value, template: &Value) -> Outcome {
    let Value::Object(map) = result else {
        let message = match result {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let resource = named_resource(&message, template);
        return Outcome {
            pointer: resource
                .as_deref()
                .map(|id| to_pointer(&["Resources".to_string(), id.to_string()]))
                .unwrap_or_default(),
            message,
            resource,
            severity: None,
            problem: None,
        };
    };
    let mut problems = Vec::new();
    let message = match map.get("msg") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => {
            problems.push("has no `msg`".to_string());
            result.to_string()
        }
    };
    let resource = match map.get("resource") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            problems.push(format!("`resource` must be a string (got {other})"));
            None
        }
    };
    let steps: Option<Vec<String>> = match (map.get("path"), map.get("pointer")) {
        (Some(Value::Array(items)), _) => {
            let steps: Option<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect();
            if steps.is_none() {
                problems.push("`path` must hold strings and numbers only".to_string());
            }
            steps.map(|steps| match &resource {
                Some(id) if steps.first().map(String::as_str) != Some("Resources") => {
                    ["Resources".to_string(), id.clone()]
                        .into_iter()
                        .chain(steps)
                        .collect()
                }
                _ => steps,
            })
        }
        (Some(other), _) => {
            problems.push(format!("`path` must be a list (got {other})"));
            None
        }
        (None, Some(Value::String(p))) => match pointer_steps(p) {
            Some(steps) => Some(steps),
            None => {
                problems.push(format!("`pointer` {p:?} is not a JSON pointer"));
                None
            }
        },
        (None, Some(other)) => {
            problems.push(format!("`pointer` must be a string (got {other})"));
            None
        }
        (None, None) => None,
    };
    let resource = match (&resource, &steps) {
        (None, None) => named_resource(&message, template),
        _ => resource,
    };
    let steps = steps.unwrap_or_else(|| match &resource {
        Some(id) => vec!["Resources".to_string(), id.clone()],
        None => Vec::new(),
    });
    let found = deepest(template, &steps);
    let pointer = to_pointer(found);
    let resource = resource.or_else(|| match found {
        [section, id, ..] if section == "Resources" => Some(id.clone()),
        _ => None,
    });
    let severity = match map.get("severity") {
        None | Some(Value::Null) => None,
        Some(v) => match settings::severity(v, "severity") {
            Ok(s) => Some(s),
            Err(e) => {
                problems.push(e);
                None
            }
        },
    };
    Outcome {
        message,
        resource,
        pointer,
        severity,
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
    }
}

impl Outcome {
    /// The finding for rule `rule`, at `default` severity unless the result gave one.
    pub fn finding(self, rule: &str, default: Severity) -> Finding {
        let message = match &self.problem {
            Some(p) => format!("{} (this result {p})", self.message),
            None => self.message,
        };
        Finding {
            rule: rule.to_string(),
            severity: self.severity.unwrap_or(default),
            message,
            resource: self.resource,
            pointer: self.pointer,
            highlight: None,
        }
    }
}

/// The one resource a message names by its logical id, as a whole word (conftest
/// messages usually do: `"S3 bucket Logs does not enable versioning"`). None when it
/// names none or several: then the finding is about the template as a whole.
fn named_resource(message: &str, template: &Value) -> Option<String> {
    let resources = template.get("Resources")?.as_object()?;
    let mut named = resources.keys().filter(|id| names_word(message, id));
    let first = named.next()?;
    named.next().is_none().then(|| first.clone())
}

/// Whether `word` occurs in `text` with no letter, digit or `_` on either side.
fn names_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    !word.is_empty()
        && text.match_indices(word).any(|(at, _)| {
            !text[..at].chars().next_back().is_some_and(is_word)
                && !text[at + word.len()..].chars().next().is_some_and(is_word)
        })
}

/// The reference tokens of an RFC 6901 pointer, unescaped.
fn pointer_steps(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|t| unescape(t).into_owned()).collect())
}

/// The longest prefix of `steps` that exists in `root`.
fn deepest<'a>(root: &Value, steps: &'a [String]) -> &'a [String] {
    let mut node = root;
    for (i, step) in steps.iter().enumerate() {
        let next = match node {
            Value::Object(map) => map.get(step),
            Value::Array(items) => step.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return &steps[..i],
        }
    }
    steps
}

fn to_pointer(steps: &[String]) -> String {
    steps.iter().map(|s| format!("/{}", escape(s))).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template() -> Value {
        json!({"Resources": {
            "Logs": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": [{"Key": "a"}]}},
            "a/b": {"Type": "AWS::SQS::Queue"}
        }})
    }

    #[test]
    fn messages_and_booleans() {
        assert_eq!(results(&json!(["a", "b"]), "data.main.deny").len(), 2);
        assert_eq!(
            results(&json!(true), "data.main.deny"),
            vec![json!("`data.main.deny` is true")]
        );
        assert!(results(&json!(false), "data.main.deny").is_empty());
        assert_eq!(
            results(&json!({"msg": "m"}), "x"),
            vec![json!({"msg": "m"})]
        );
        assert_eq!(results(&json!({"k1": "m1", "k2": "m2"}), "x").len(), 2);
        let o = outcome(&json!("plain"), &template());
        assert_eq!((o.message.as_str(), o.pointer.as_str()), ("plain", ""));
    }

    #[test]
    fn a_message_naming_one_resource_is_placed_on_it() {
        let t = template();
        let at = |r: Value| {
            let o = outcome(&r, &t);
            (o.pointer, o.resource)
        };
        assert_eq!(
            at(json!("bucket Logs is not versioned")),
            ("/Resources/Logs".into(), Some("Logs".into()))
        );
        assert_eq!(
            at(json!({"msg": "queue a/b: no DLQ"})),
            ("/Resources/a~1b".into(), Some("a/b".into()))
        );
        // Inside a longer word, or two resources named: not placed.
        assert_eq!(at(json!("LogsBucket is bad")), ("".into(), None));
        assert_eq!(at(json!("Logs and a/b")), ("".into(), None));
        // A location given wins.
        assert_eq!(
            at(json!({"msg": "Logs", "pointer": "/Resources/a~1b"})),
            ("/Resources/a~1b".into(), Some("a/b".into()))
        );
    }

    #[test]
    fn locations() {
        let t = template();
        let at = |r: Value| {
            let o = outcome(&r, &t);
            (o.pointer, o.resource, o.problem)
        };
        assert_eq!(
            at(json!({"msg": "m", "path": ["Resources", "Logs", "Properties", "Versioning"]})),
            (
                "/Resources/Logs/Properties".into(),
                Some("Logs".into()),
                None
            )
        );
        assert_eq!(
            at(json!({"msg": "m", "resource": "Logs", "path": ["Properties", "Tags", 0, "Key"]})),
            (
                "/Resources/Logs/Properties/Tags/0/Key".into(),
                Some("Logs".into()),
                None
            )
        );
        assert_eq!(
            at(json!({"msg": "m", "resource": "a/b"})),
            ("/Resources/a~1b".into(), Some("a/b".into()), None)
        );
        assert_eq!(
            at(json!({"msg": "m", "pointer": "/Resources/a~1b/Type"})),
            ("/Resources/a~1b/Type".into(), Some("a/b".into()), None)
        );
        assert_eq!(
            at(json!({"msg": "m", "resource": "Gone"})),
            ("/Resources".into(), Some("Gone".into()), None)
        );
    }

    #[test]
    fn bad_keys_are_said() {
        let t = template();
        let o = outcome(
            &json!({"msg": "m", "pointer": "Resources", "severity": "severe"}),
            &t,
        );
        assert!(o.problem.as_deref().unwrap().contains("not a JSON pointer"));
        assert!(o.problem.as_deref().unwrap().contains("severity"));
        let f = o.finding("main/deny", Severity::Medium);
        assert!(f.message.starts_with("m (this result"), "{}", f.message);
        let o = outcome(&json!({"message": "x"}), &t);
        assert!(o.problem.unwrap().contains("no `msg`"));
        let o = outcome(&json!({"msg": "m", "severity": "high"}), &t);
        assert_eq!(o.severity, Some(Severity::High));
    }
}
