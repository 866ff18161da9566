//! cfn-guard property paths to JSON pointers.
//!
//! cfn-guard names a value by its path from the document root, keys and list indexes
//! joined with `/` and not escaped: `/Resources/My/Bucket/Properties/Tags/0` may be the
//! key `My/Bucket`. The path is resolved against the template itself, so keys with a `/`
//! are found, and a path that goes past what exists (a missing property) stops at the
//! deepest node that does.

use serde_json::Value;

/// One step into the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A cfn-guard path resolved against the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Steps from the root to the deepest existing node on the path.
    pub steps: Vec<Step>,
    /// Whether the whole path exists.
    pub exact: bool,
}

impl Located {
    /// The template root.
    pub fn root() -> Located {
        Located {
            steps: Vec::new(),
            exact: true,
        }
    }

    /// The RFC 6901 pointer to the node.
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            out.push('/');
            match step {
                Step::Key(k) => out.push_str(&preflight_policy::pointer::escape(k)),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// The logical id, when the node is `/Resources/<id>` or below it.
    pub fn resource(&self) -> Option<&str> {
        match self.steps.as_slice() {
            [Step::Key(section), Step::Key(id), ..] if section == "Resources" => Some(id),
            _ => None,
        }
    }

    /// The path for messages: relative to the resource when under one
    /// (`Properties.Tags[0].Key`), from the root otherwise (`Parameters.Env`).
    pub fn display(&self) -> String {
        let skip = if self.resource().is_some() { 2 } else { 0 };
        let mut out = String::new();
        for step in &self.steps[skip..] {
            match step {
                Step::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Step::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// The longest common prefix of two locations.
    pub fn common(&self, other: &Located) -> Located {
        let steps: Vec<Step> = self
            .steps
            .iter()
            .zip(&other.steps)
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.clone())
            .collect();
        let exact = self.exact && other.exact && steps.len() == self.steps.len();
        Located { steps, exact }
    }
}

/// Resolves cfn-guard `path` in `root`. At each mapping the longest key that matches the
/// rest of the path wins, so `A/B` is preferred to `A` when both exist.
pub fn locate(root: &Value, path: &str) -> Located {
    let mut steps = Vec::new();
    let mut node = root;
    let mut rest = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Located::root();
    }
    loop {
        let next = match node {
            Value::Object(map) => map
                .iter()
                .filter(|(k, _)| {
                    rest.strip_prefix(k.as_str())
                        .is_some_and(|after| after.is_empty() || after.starts_with('/'))
                })
                .max_by_key(|(k, _)| k.len())
                .map(|(k, v)| (Step::Key(k.clone()), v, k.len())),
            Value::Array(items) => {
                let token = rest.split('/').next().unwrap_or_default();
                token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).map(|v| (Step::Index(i), v, token.len())))
            }
            _ => None,
        };
        let Some((step, child, consumed)) = next else {
            return Located {
                steps,
                exact: false,
            };
        };
        steps.push(step);
        node = child;
        rest = &rest[consumed..];
        match rest.strip_prefix('/') {
            Some(after) => rest = after,
            None => {
                return Located { steps, exact: true };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn resolves_keys_with_slashes_and_indexes() {
        let t =
            json!({"Resources": {"A": {"x": 1}, "A/B": {"Properties": {"Tags": [{"Key": "k"}]}}}});
        let l = locate(&t, "/Resources/A/B/Properties/Tags/0/Key");
        assert!(l.exact);
        assert_eq!(l.pointer(), "/Resources/A~1B/Properties/Tags/0/Key");
        assert_eq!(l.resource(), Some("A/B"));
        assert_eq!(l.display(), "Properties.Tags[0].Key");
    }

    #[test]
    fn missing_paths_stop_at_the_deepest_parent() {
        let t = json!({"Resources": {"B": {"Properties": {}}}});
        let l = locate(&t, "/Resources/B/Properties/BucketEncryption/Rules");
        assert!(!l.exact);
        assert_eq!(l.pointer(), "/Resources/B/Properties");
        assert_eq!(locate(&t, "/PARAMS/x").pointer(), "");
        assert_eq!(locate(&t, "").pointer(), "");
        assert_eq!(locate(&t, "/").pointer(), "");
        assert_eq!(locate(&json!([1]), "/7").pointer(), "");
    }

    #[test]
    fn common_prefix() {
        let t = json!({"Resources": {"B": {"Properties": {"X": 1, "Y": 2}}}});
        let a = locate(&t, "/Resources/B/Properties/X");
        let b = locate(&t, "/Resources/B/Properties/Y");
        assert_eq!(a.common(&b).pointer(), "/Resources/B/Properties");
    }
}
