//! A JSON value together with the JSON pointer it sits at.

use serde_json::Value;

use crate::intrinsic::Intrinsic;
use crate::pointer::{item, member, resource_of};

/// A node of the template: its value and its JSON pointer, so that a finding about it
/// can say where it is. Navigation extends the pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    value: &'a Value,
    pointer: String,
}

impl<'a> Node<'a> {
    /// A node at `pointer` (an already-escaped JSON pointer).
    pub fn new(value: &'a Value, pointer: impl Into<String>) -> Node<'a> {
        Node {
            value,
            pointer: pointer.into(),
        }
    }

    /// The root node of a document.
    pub fn root(value: &'a Value) -> Node<'a> {
        Node::new(value, "")
    }

    /// The JSON value.
    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// The JSON pointer of this node.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// A member of a mapping.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        let value = self.value.as_object()?.get(key)?;
        Some(Node {
            value,
            pointer: member(&self.pointer, key),
        })
    }

    /// An item of a sequence.
    pub fn index(&self, i: usize) -> Option<Node<'a>> {
        let value = self.value.as_array()?.get(i)?;
        Some(Node {
            value,
            pointer: item(&self.pointer, i),
        })
    }

    /// Follows a relative path such as `VersioningConfiguration/Status` or `Statement/0`
    /// (keys, or indexes into sequences, separated by `/`).
    pub fn path(&self, path: &str) -> Option<Node<'a>> {
        let mut node = self.clone();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            node = match node.value {
                Value::Array(_) => node.index(part.parse().ok()?)?,
                _ => node.get(part)?,
            };
        }
        Some(node)
    }

    /// The items of a sequence (none for other values).
    pub fn items(&self) -> impl Iterator<Item = Node<'a>> + '_ {
        self.value
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, value)| Node {
                value,
                pointer: item(&self.pointer, i),
            })
    }

    /// The members of a mapping (none for other values).
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, Node<'a>)> + '_ {
        self.value
            .as_object()
            .into_iter()
            .flatten()
            .map(move |(key, value)| {
                (
                    key.as_str(),
                    Node {
                        value,
                        pointer: member(&self.pointer, key),
                    },
                )
            })
    }

    /// A sequence's items, or the node itself when it is a single value: IAM and many
    /// CloudFormation properties take either.
    pub fn one_or_many(&self) -> Vec<Node<'a>> {
        match self.value {
            Value::Array(_) => self.items().collect(),
            Value::Null => Vec::new(),
            _ => vec![self.clone()],
        }
    }

    /// The string, if this is a literal string.
    pub fn as_str(&self) -> Option<&'a str> {
        self.value.as_str()
    }

    /// A boolean as CloudFormation reads it: `true`/`false`, or the strings `"true"`/`"false"`
    /// in any case.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// An integer, from a number or a numeric string.
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Whether the value is a mapping.
    pub fn is_object(&self) -> bool {
        self.value.is_object()
    }

    /// The intrinsic function this node is, if it is one.
    pub fn intrinsic(&self) -> Option<Intrinsic<'a>> {
        Intrinsic::parse(self.value)
    }

    /// Whether the node is an intrinsic function (its value is only known at deploy time).
    pub fn is_intrinsic(&self) -> bool {
        self.intrinsic().is_some()
    }

    /// The logical id of the resource this node belongs to, from its pointer.
    pub fn resource_id(&self) -> Option<String> {
        resource_of(&self.pointer)
    }
}
