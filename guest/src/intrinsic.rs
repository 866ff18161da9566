//! CloudFormation intrinsic functions, and the references they make.

use serde_json::{Map, Value};

use crate::pointer::escape;

/// An intrinsic function call, as found in canonical (long-form) JSON.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Intrinsic<'a> {
    /// `{"Ref": name}`.
    Ref(&'a str),
    /// `{"Fn::GetAtt": [resource, attribute]}` or `"resource.attribute"`. The attribute is
    /// `None` when it is itself computed.
    GetAtt {
        /// Logical id of the resource.
        resource: &'a str,
        /// The attribute, when literal.
        attribute: Option<&'a str>,
    },
    /// `{"Fn::Sub": template}` or `[template, variables]`.
    Sub {
        /// The string with `${...}` placeholders.
        template: &'a str,
        /// Local variables, when given.
        variables: Option<&'a Map<String, Value>>,
    },
    /// `{"Condition": name}`, inside a condition expression.
    Condition(&'a str),
    /// Any other `Fn::*` function, with its arguments.
    Other {
        /// The function, e.g. `Fn::Join`.
        name: &'a str,
        /// Its arguments.
        args: &'a Value,
    },
}

impl<'a> Intrinsic<'a> {
    /// Reads `value` as an intrinsic function call: a mapping with one key that is `Ref`,
    /// `Condition` or starts with `Fn::`.
    pub fn parse(value: &'a Value) -> Option<Intrinsic<'a>> {
        let map = value.as_object()?;
        if map.len() != 1 {
            return None;
        }
        let (name, args) = map.iter().next()?;
        match name.as_str() {
            "Ref" => args.as_str().map(Intrinsic::Ref),
            "Condition" => args.as_str().map(Intrinsic::Condition),
            "Fn::GetAtt" => match args {
                Value::String(s) => {
                    let (resource, attribute) = s.split_once('.')?;
                    Some(Intrinsic::GetAtt {
                        resource,
                        attribute: Some(attribute),
                    })
                }
                Value::Array(items) => Some(Intrinsic::GetAtt {
                    resource: items.first()?.as_str()?,
                    attribute: items.get(1).and_then(Value::as_str),
                }),
                _ => None,
            },
            "Fn::Sub" => match args {
                Value::String(template) => Some(Intrinsic::Sub {
                    template,
                    variables: None,
                }),
                Value::Array(items) => Some(Intrinsic::Sub {
                    template: items.first()?.as_str()?,
                    variables: items.get(1).and_then(Value::as_object),
                }),
                _ => None,
            },
            other if other.starts_with("Fn::") => Some(Intrinsic::Other { name: other, args }),
            _ => None,
        }
    }

    /// The function's name as written in long form (`Ref`, `Fn::GetAtt`, ...).
    pub fn name(&self) -> &'a str {
        match self {
            Intrinsic::Ref(_) => "Ref",
            Intrinsic::GetAtt { .. } => "Fn::GetAtt",
            Intrinsic::Sub { .. } => "Fn::Sub",
            Intrinsic::Condition(_) => "Condition",
            Intrinsic::Other { name, .. } => name,
        }
    }
}

/// How a [`Reference`] names its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// `Ref`.
    Ref,
    /// `Fn::GetAtt`.
    GetAtt,
    /// A `${...}` placeholder in `Fn::Sub`.
    Sub,
}

/// One name referred to from inside a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The logical id or parameter named (for `GetAtt` and `${A.B}`, the part before the dot).
    pub target: String,
    /// The attribute, for `GetAtt` and `${A.B}`.
    pub attribute: Option<String>,
    /// How it is referred to.
    pub kind: ReferenceKind,
    /// JSON pointer of the node that makes the reference.
    pub pointer: String,
    /// For `Fn::Sub`, the placeholder text (`${Name}`) inside that node.
    pub highlight: Option<String>,
}

/// Every `Ref`, `Fn::GetAtt` and `Fn::Sub` placeholder inside `value`, which sits at
/// `pointer`. `Fn::Sub` local variables and `${!Literal}` escapes are not references.
pub fn references(value: &Value, pointer: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    // The walk visits every container but finds few references: each container gets a
    // step in `trail` (its parent's index and its own token), and a pointer is written
    // only where a reference is. Explicit stack: templates can nest deeply and guests
    // have small stacks.
    let mut trail = Trail {
        base: pointer,
        steps: Vec::new(),
    };
    let mut stack = vec![(value, Trail::ROOT)];
    while let Some((value, at)) = stack.pop() {
        match Intrinsic::parse(value) {
            Some(Intrinsic::Ref(target)) => out.push(Reference {
                target: target.to_string(),
                attribute: None,
                kind: ReferenceKind::Ref,
                pointer: trail.pointer(at, "/Ref"),
                highlight: None,
            }),
            Some(Intrinsic::GetAtt {
                resource,
                attribute,
            }) => {
                out.push(Reference {
                    target: resource.to_string(),
                    attribute: attribute.map(str::to_string),
                    kind: ReferenceKind::GetAtt,
                    pointer: trail.pointer(at, "/Fn::GetAtt"),
                    highlight: None,
                });
                // A computed attribute name may itself reference something.
                if let Some(Value::Array(items)) = value.get("Fn::GetAtt")
                    && let Some(attr) = items.get(1)
                    && !attr.is_string()
                {
                    let getatt = trail.push(at, Token::Key("Fn::GetAtt"));
                    stack.push((attr, trail.push(getatt, Token::Index(1))));
                }
            }
            Some(Intrinsic::Sub {
                template,
                variables,
            }) => {
                let suffix = if variables.is_some() || value["Fn::Sub"].is_array() {
                    "/Fn::Sub/0"
                } else {
                    "/Fn::Sub"
                };
                let mut found = placeholders(template)
                    .into_iter()
                    .filter(|(name, _)| !variables.is_some_and(|v| v.contains_key(*name)))
                    .peekable();
                if found.peek().is_some() {
                    let at = trail.pointer(at, suffix);
                    for (name, placeholder) in found {
                        let (target, attribute) = match name.split_once('.') {
                            Some((t, a)) => (t, Some(a.to_string())),
                            None => (name, None),
                        };
                        out.push(Reference {
                            target: target.to_string(),
                            attribute,
                            kind: ReferenceKind::Sub,
                            pointer: at.clone(),
                            highlight: Some(placeholder.to_string()),
                        });
                    }
                }
                if let Some(vars) = variables {
                    let sub = trail.push(at, Token::Key("Fn::Sub"));
                    let vars_at = trail.push(sub, Token::Index(1));
                    for (k, v) in vars {
                        stack.push((v, trail.push(vars_at, Token::Key(k))));
                    }
                }
            }
            // Scalars hold no reference: only containers are visited.
            _ => match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        if is_container(item) {
                            stack.push((item, trail.push(at, Token::Index(i))));
                        }
                    }
                }
                Value::Object(map) => {
                    for (k, v) in map.iter().rev() {
                        if is_container(v) {
                            stack.push((v, trail.push(at, Token::Key(k))));
                        }
                    }
                }
                _ => {}
            },
        }
    }
    out
}

/// One reference token of a path the walk of [`references`] took.
#[derive(Clone, Copy)]
enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

/// The paths a walk took, as a tree of steps: (parent's index, token).
struct Trail<'a> {
    base: &'a str,
    steps: Vec<(usize, Token<'a>)>,
}

impl<'a> Trail<'a> {
    /// The step of the value the walk started at, `base` itself.
    const ROOT: usize = usize::MAX;

    /// Records the step from `parent` by `token`; returns its index.
    fn push(&mut self, parent: usize, token: Token<'a>) -> usize {
        self.steps.push((parent, token));
        self.steps.len() - 1
    }

    /// The pointer of step `at`, followed by `suffix` (already escaped).
    fn pointer(&self, at: usize, suffix: &str) -> String {
        let mut tokens = Vec::new();
        let mut i = at;
        while let Some(&(parent, token)) = self.steps.get(i) {
            tokens.push(token);
            i = parent;
        }
        let mut out = self.base.to_string();
        for token in tokens.into_iter().rev() {
            match token {
                Token::Key(k) => {
                    out.push('/');
                    out.push_str(&escape(k));
                }
                Token::Index(n) => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "/{n}");
                }
            }
        }
        out.push_str(suffix);
        out
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Object(_))
}

/// The `${Name}` placeholders of a `Fn::Sub` string: (name, whole placeholder). Skips
/// `${!Literal}` escapes.
pub(crate) fn placeholders(template: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(len) = after.find('}') else { break };
        let name = &after[..len];
        let whole_start = offset + start;
        let whole = &template[whole_start..whole_start + len + 3];
        if !name.starts_with('!') {
            out.push((name.trim(), whole));
        }
        offset += start + 2 + len + 1;
        rest = &template[offset..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_references_with_pointers() {
        let value = json!({
            "A": {"Ref": "Param"},
            "B": {"Fn::GetAtt": ["Res", "Arn"]},
            "C": {"Fn::Sub": ["${X}-${Y.Name}-${!Lit}-${Local}", {"Local": {"Ref": "Z"}}]},
            "D": [{"Fn::GetAtt": "Q.Arn"}]
        });
        let refs = references(&value, "/Root");
        let summary: Vec<_> = refs
            .iter()
            .map(|r| {
                (
                    r.target.as_str(),
                    r.pointer.as_str(),
                    r.highlight.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Param", "/Root/A/Ref", None),
                ("Res", "/Root/B/Fn::GetAtt", None),
                ("X", "/Root/C/Fn::Sub/0", Some("${X}")),
                ("Y", "/Root/C/Fn::Sub/0", Some("${Y.Name}")),
                ("Z", "/Root/C/Fn::Sub/1/Local/Ref", None),
                ("Q", "/Root/D/0/Fn::GetAtt", None),
            ]
        );
    }

    #[test]
    fn pointers_escape_keys_at_every_depth_and_follow_computed_attributes() {
        let value = json!({
            "a/b": [{"t~x": [[{"Ref": "Deep"}]]}],
            "G": {"Fn::GetAtt": ["Res", {"Ref": "AttrParam"}]},
            "S": {"Fn::Sub": ["${V}", {"k/1": {"Fn::GetAtt": "R.Arn"}}]}
        });
        let refs = references(&value, "");
        let summary: Vec<_> = refs
            .iter()
            .map(|r| (r.target.as_str(), r.pointer.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("Deep", "/a~1b/0/t~0x/0/0/Ref"),
                ("Res", "/G/Fn::GetAtt"),
                ("AttrParam", "/G/Fn::GetAtt/1/Ref"),
                ("V", "/S/Fn::Sub/0"),
                ("R", "/S/Fn::Sub/1/k~11/Fn::GetAtt"),
            ]
        );
    }

    #[test]
    fn placeholders_skip_literals_and_survive_unclosed() {
        assert_eq!(placeholders("a${B}c${!D}${E"), [("B", "${B}")]);
    }
}
