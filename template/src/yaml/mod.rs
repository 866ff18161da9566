//! YAML → canonical JSON with spans.
//!
//! saphyr parses first: it follows YAML 1.2 to the letter. Real templates also lean on
//! the leniency of libyaml, which PyYAML (`sam`, cfn-lint) and SnakeYAML (CloudFormation
//! itself) share, such as a flow collection's closing bracket at its key's indentation.
//! When saphyr refuses a file, libyaml gets a second look, so that preflight accepts what
//! CloudFormation accepts; if both refuse it, saphyr's error is reported.
//!
//! Both parsers feed one [`Builder`] through [`Event`], which builds the value with an
//! explicit stack (no recursion, so depth is bounded by `Limits`, not the call stack).

mod compat;
mod strict;

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::Limits;
use crate::error::{LoadError, LoadErrorKind};
use crate::lines::LineIndex;
use crate::scalar::resolve_plain;
use crate::span::{Shape, Span, SpanNode};
use crate::tags::{accepts_collection, long_form};

const CORE_SCHEMA: &str = "tag:yaml.org,2002:";

/// A parser event, with the parts the builder needs from either parser.
pub(super) enum Event<'a> {
    DocumentStart,
    Alias(String),
    /// Text, whether it was plain (unquoted, not a block scalar), anchor, full tag.
    Scalar(
        std::borrow::Cow<'a, str>,
        bool,
        Option<String>,
        Option<String>,
    ),
    SequenceStart(Option<String>, Option<String>),
    MappingStart(Option<String>, Option<String>),
    End,
}

/// A CloudFormation tag found on a node, to wrap its value in the long form.
#[derive(Clone)]
struct CfnTag {
    name: String,
    key: &'static str,
}

enum Frame {
    Seq {
        start: Span,
        anchor: Option<String>,
        tag: Option<CfnTag>,
        items: Vec<Value>,
        spans: Vec<SpanNode>,
    },
    Map {
        start: Span,
        anchor: Option<String>,
        tag: Option<CfnTag>,
        members: Map<String, Value>,
        spans: Vec<(String, Span, SpanNode)>,
        key: Option<(String, Span)>,
    },
}

pub(super) struct Builder<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<String, (Value, SpanNode, usize)>,
    alias_nodes: usize,
    root: Option<(Value, SpanNode)>,
    documents: usize,
}

pub(crate) fn parse(
    text: &str,
    name: &str,
    lines: &LineIndex,
    limits: &Limits,
) -> Result<(Value, SpanNode), LoadError> {
    match strict::parse(Builder::new(text, name, lines, limits)) {
        Err(e) if matches!(e.kind, LoadErrorKind::Syntax(_)) => {
            // Only syntax errors get a second opinion: limits and duplicate keys are
            // preflight's own rules, which libyaml would not enforce any differently.
            // libyaml-safer still has a few `panic!("TODO")` paths on odd input; a
            // panic there means "no second opinion", never a crash.
            let builder = Builder::new(text, name, lines, limits);
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compat::parse(builder)))
                .unwrap_or_else(|_| Err(e.clone()))
                .map_err(|_| e)
        }
        result => result,
    }
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, name: &'a str, lines: &'a LineIndex, limits: &'a Limits) -> Self {
        Builder {
            name,
            text,
            lines,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            root: None,
            documents: 0,
        }
    }

    /// The byte span between two (1-based line, 0-based character column) positions.
    fn span(&self, start: (usize, usize), end: (usize, usize)) -> Span {
        let start = self.lines.offset(self.text, start.0, start.1);
        let end = self.lines.offset(self.text, end.0, end.1);
        Span {
            start,
            end: end.max(start),
        }
    }

    /// A syntax error at a (1-based line, 0-based character column) position.
    fn syntax_error(&self, line: usize, col: usize, message: String) -> LoadError {
        LoadError::at(
            self.name,
            line.max(1),
            col + 1,
            LoadErrorKind::Syntax(message),
        )
    }

    /// A nesting-depth error at a (1-based line, 0-based character column) position.
    fn too_deep(&self, line: usize, col: usize) -> LoadError {
        LoadError::at(
            self.name,
            line.max(1),
            col + 1,
            LoadErrorKind::TooDeep(self.limits.max_depth),
        )
    }

    /// Takes one event.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), LoadError> {
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.error(span, LoadErrorKind::MultipleDocuments));
                }
            }
            Event::Alias(id) => {
                let Some((value, spans, count)) = self.anchors.get(&id).cloned() else {
                    return Err(self.error(span, LoadErrorKind::UnknownAnchor));
                };
                self.alias_nodes += count;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(
                        self.error(span, LoadErrorKind::AliasBomb(self.limits.max_alias_nodes))
                    );
                }
                self.push_value(value, spans, span)?;
            }
            Event::Scalar(text, plain, anchor, tag) => {
                let (value, node) = self.scalar(&text, plain, tag.as_deref(), span)?;
                self.remember(anchor, &value, &node);
                self.push_value(value, node, span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                let tag = self.collection_tag(tag.as_deref(), span)?;
                let frame = Frame::Seq {
                    start: span,
                    anchor,
                    tag,
                    items: Vec::new(),
                    spans: Vec::new(),
                };
                self.open(frame, span)?;
            }
            Event::MappingStart(anchor, tag) => {
                let tag = self.collection_tag(tag.as_deref(), span)?;
                let frame = Frame::Map {
                    start: span,
                    anchor,
                    tag,
                    members: Map::new(),
                    spans: Vec::new(),
                    key: None,
                };
                self.open(frame, span)?;
            }
            Event::End => self.close(span)?,
        }
        Ok(())
    }

    /// The finished value, once the stream has ended.
    fn finish(self) -> Result<(Value, SpanNode), LoadError> {
        self.root
            .ok_or_else(|| LoadError::whole_file(self.name, LoadErrorKind::Empty))
    }

    fn error(&self, span: Span, kind: LoadErrorKind) -> LoadError {
        let (line, column) = self.lines.line_col(self.text, span.start);
        LoadError::at(self.name, line, column, kind)
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.error(span, LoadErrorKind::TooDeep(self.limits.max_depth)));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), LoadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (value, node, anchor, tag) = match frame {
            Frame::Seq {
                start,
                anchor,
                tag,
                items,
                spans,
            } => {
                let span = self.collection_span(start, end, spans.iter().map(|n| n.span));
                (
                    Value::Array(items),
                    SpanNode {
                        span,
                        shape: Shape::Seq(spans),
                    },
                    anchor,
                    tag,
                )
            }
            Frame::Map {
                start,
                anchor,
                tag,
                members,
                spans,
                key,
            } => {
                if let Some((_, key_span)) = key {
                    // A key without a value cannot come out of the parser, but be safe.
                    return Err(
                        self.error(key_span, LoadErrorKind::Syntax("key without value".into()))
                    );
                }
                let span = self.collection_span(start, end, spans.iter().map(|(_, _, n)| n.span));
                (
                    Value::Object(members),
                    SpanNode {
                        span,
                        shape: Shape::Map(spans),
                    },
                    anchor,
                    tag,
                )
            }
        };
        let (value, node) = match tag {
            Some(tag) => wrap(tag, value, node),
            None => (value, node),
        };
        self.remember(anchor, &value, &node);
        let span = node.span;
        self.push_value(value, node, span)
    }

    /// A collection runs from its start to its last child; a flow collection also takes
    /// in its closing bracket. (A block collection's end event sits at the next token,
    /// which may be lines below, past comments.)
    fn collection_span(
        &self,
        start: Span,
        end: Span,
        children: impl Iterator<Item = Span>,
    ) -> Span {
        let mut span = start;
        if let Some(last) = children.last() {
            span = span.join(last);
        }
        if matches!(self.text.as_bytes().get(end.start), Some(b']' | b'}')) {
            span = span.join(Span {
                start: end.start,
                end: end.start + 1,
            });
        }
        span
    }

    fn remember(&mut self, anchor: Option<String>, value: &Value, node: &SpanNode) {
        if let Some(anchor) = anchor {
            self.anchors
                .insert(anchor, (value.clone(), node.clone(), node.count()));
        }
    }

    /// Adds a finished node to the collection being built, or makes it the root.
    fn push_value(&mut self, value: Value, node: SpanNode, span: Span) -> Result<(), LoadError> {
        let Some(top) = self.stack.last_mut() else {
            self.root = Some((value, node));
            return Ok(());
        };
        match top {
            Frame::Seq { items, spans, .. } => {
                items.push(value);
                spans.push(node);
                Ok(())
            }
            Frame::Map {
                members,
                spans,
                key,
                ..
            } => match key.take() {
                None => {
                    let key_text = match value {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        Value::Bool(_) | Value::Number(_) => {
                            // Keys keep their source text: `0123:` stays "0123".
                            self.text[span.start..span.end].trim().to_string()
                        }
                        _ => return Err(self.error(span, LoadErrorKind::ComplexKey)),
                    };
                    if let Some((_, first, _)) = spans.iter().find(|(k, _, _)| *k == key_text) {
                        let first_line = self.lines.line_col(self.text, first.start).0;
                        return Err(self.error(
                            span,
                            LoadErrorKind::DuplicateKey {
                                key: key_text,
                                first_line,
                            },
                        ));
                    }
                    *key = Some((key_text, span));
                    Ok(())
                }
                Some((k, key_span)) => {
                    members.insert(k.clone(), value);
                    spans.push((k, key_span, node));
                    Ok(())
                }
            },
        }
    }

    fn collection_tag(&self, tag: Option<&str>, span: Span) -> Result<Option<CfnTag>, LoadError> {
        let Some(tag) = tag else { return Ok(None) };
        if tag.starts_with(CORE_SCHEMA) {
            return Ok(None);
        }
        let cfn = self.cfn_tag(tag, span)?;
        if !accepts_collection(&cfn.name) {
            return Err(self.error(
                span,
                LoadErrorKind::BadTag {
                    tag: cfn.name,
                    problem: "takes a scalar, not a collection".into(),
                },
            ));
        }
        Ok(Some(cfn))
    }

    fn cfn_tag(&self, tag: &str, span: Span) -> Result<CfnTag, LoadError> {
        match tag
            .strip_prefix('!')
            .and_then(|name| Some((name, long_form(name)?)))
        {
            Some((name, key)) => Ok(CfnTag {
                name: name.to_string(),
                key,
            }),
            None => Err(self.error(span, LoadErrorKind::UnknownTag(tag.to_string()))),
        }
    }

    fn scalar(
        &self,
        text: &str,
        plain: bool,
        tag: Option<&str>,
        span: Span,
    ) -> Result<(Value, SpanNode), LoadError> {
        let node = SpanNode::leaf(span);
        let Some(tag) = tag else {
            let value = if plain {
                resolve_plain(text)
            } else {
                Value::String(text.to_string())
            };
            return Ok((value, node));
        };
        if let Some(core) = tag.strip_prefix(CORE_SCHEMA) {
            let value = match core {
                "null" => Value::Null,
                "bool" | "int" | "float" => match resolve_plain(text) {
                    Value::String(s) => Value::String(s),
                    resolved => resolved,
                },
                _ => Value::String(text.to_string()),
            };
            return Ok((value, node));
        }
        let cfn = self.cfn_tag(tag, span)?;
        let arg = if cfn.name == "GetAtt" {
            let Some((resource, attribute)) = text.split_once('.') else {
                return Err(self.error(
                    span,
                    LoadErrorKind::BadTag {
                        tag: cfn.name,
                        problem: "needs `Resource.Attribute`".into(),
                    },
                ));
            };
            let parts = SpanNode {
                span,
                shape: Shape::Seq(vec![SpanNode::leaf(span), SpanNode::leaf(span)]),
            };
            return Ok(wrap(
                cfn,
                Value::Array(vec![resource.into(), attribute.into()]),
                parts,
            ));
        } else {
            Value::String(text.to_string())
        };
        Ok(wrap(cfn, arg, node))
    }
}

/// Wraps a tagged node in its long form: `!Sub x` becomes `{"Fn::Sub": x}`. Both the
/// synthetic mapping and its member carry the tagged node's span.
fn wrap(tag: CfnTag, value: Value, node: SpanNode) -> (Value, SpanNode) {
    let span = node.span;
    let mut members = Map::new();
    members.insert(tag.key.to_string(), value);
    (
        Value::Object(members),
        SpanNode {
            span,
            shape: Shape::Map(vec![(tag.key.to_string(), span, node)]),
        },
    )
}
