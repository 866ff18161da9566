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

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hasher};

use serde_json::{Map, Value};

use crate::Limits;
use crate::error::{LoadError, LoadErrorKind};
use crate::lines::LineIndex;
use crate::scalar::resolve_plain;
use crate::span::{Mark, Node, Span, SpanBuilder, Spans};
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
    key: std::borrow::Cow<'static, str>,
}

/// A collection being built. Its children wait on the builder's shared stacks (from
/// `base` on, their spans from `mark` on) and move into the collection when it closes,
/// into storage of exactly their number: collections grown child by child keep room
/// for several, which on a file of small nested collections costs several times the
/// file's size in memory, and the reallocations cost more time than the parse.
enum Frame {
    Seq {
        start: Span,
        anchor: Option<String>,
        tag: Option<CfnTag>,
        base: usize,
        mark: Mark,
    },
    Map {
        start: Span,
        anchor: Option<String>,
        tag: Option<CfnTag>,
        base: usize,
        key_base: usize,
        mark: Mark,
        keys: KeySet,
        key: Option<(String, Span)>,
    },
}

pub(super) struct Builder<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    limits: &'a Limits,
    stack: Vec<Frame>,
    /// Children of the open collections, innermost last (their spans wait in `spans`).
    values: Vec<Value>,
    spans: SpanBuilder,
    /// Keys of the open mappings' members, innermost last.
    keys: Vec<String>,
    anchors: HashMap<String, (Value, Node, usize)>,
    alias_nodes: usize,
    root: Option<(Value, Node)>,
    documents: usize,
    /// The last position converted (line, column, byte offset): events come in source
    /// order, so on a long non-ASCII line the next conversion walks on from here instead
    /// of from the line's start.
    cursor: std::cell::Cell<(usize, usize, usize)>,
    /// The ASCII line of the last conversion: its number, start, and the bound below
    /// which an offset stays on it (and in the text). Most events sit on the line of the
    /// one before, so most conversions are one addition.
    ascii_line: std::cell::Cell<(usize, usize, usize)>,
}

/// Finds duplicate keys of one mapping in O(1) per key: small mappings by a scan of their
/// few keys, larger ones by the keys' hashes (a hash seen before is confirmed by a scan,
/// which only a duplicate or a collision pays for).
#[derive(Default)]
struct KeySet {
    hashes: Option<HashSet<u64, BuildHasherDefault<Prehashed>>>,
}

/// Mappings up to this many keys are scanned.
const SCANNED_KEYS: usize = 8;

fn key_hash(key: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

/// The hasher of a set of key hashes: they are hashes already, so hashing them again
/// would only cost time.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl KeySet {
    /// Which of the `earlier` keys `key` repeats, if any; otherwise records it (hashed
    /// once) as the next key.
    fn check(&mut self, key: &str, earlier: &[String]) -> Option<usize> {
        match &mut self.hashes {
            Some(hashes) => {
                if hashes.insert(key_hash(key)) {
                    return None;
                }
                earlier.iter().position(|k| k == key)
            }
            None => {
                let found = earlier.iter().position(|k| k == key);
                // Hashing begins once a scan would grow long, with every key so far.
                if found.is_none() && earlier.len() >= SCANNED_KEYS {
                    let mut hashes: HashSet<u64, BuildHasherDefault<Prehashed>> =
                        earlier.iter().map(|k| key_hash(k)).collect();
                    hashes.insert(key_hash(key));
                    self.hashes = Some(hashes);
                }
                found
            }
        }
    }
}

pub(crate) fn parse(
    text: &str,
    name: &str,
    lines: &LineIndex,
    limits: &Limits,
) -> Result<(Value, Spans), LoadError> {
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
            values: Vec::new(),
            spans: SpanBuilder::default(),
            keys: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            root: None,
            documents: 0,
            cursor: std::cell::Cell::new((1, 0, 0)),
            ascii_line: std::cell::Cell::new((0, 0, 0)),
        }
    }

    /// The byte span between two (1-based line, 0-based character column) positions.
    fn span(&self, start: (usize, usize), end: (usize, usize)) -> Span {
        let start = self.offset(start.0, start.1);
        let end = self.offset(end.0, end.1);
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The byte offset of a (1-based line, 0-based character column) position.
    fn offset(&self, line: usize, col: usize) -> usize {
        if let Some(offset) = self.ascii_offset(line, col) {
            return offset;
        }
        let (at_line, at_col, at_byte) = self.cursor.get();
        let offset = if at_line == line && at_col <= col {
            self.text[at_byte..]
                .char_indices()
                .nth(col - at_col)
                .map(|(i, _)| at_byte + i)
                .unwrap_or(self.text.len())
        } else {
            self.lines.offset(self.text, line, col)
        };
        self.cursor.set((line, col, offset));
        offset
    }

    /// The offset of a position on an ASCII line (inside the text), if it is on one.
    fn ascii_offset(&self, line: usize, col: usize) -> Option<usize> {
        let (cached, mut start, mut limit) = self.ascii_line.get();
        if cached != line {
            let (line_start, next) = self.lines.ascii_line(line)?;
            start = line_start;
            limit = next.min(self.text.len().saturating_add(1));
            self.ascii_line.set((line, start, limit));
        }
        let offset = start.checked_add(col)?;
        (offset < limit).then_some(offset)
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
                self.remember(anchor, &value, node);
                self.push_value(value, node, span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                let tag = self.collection_tag(tag.as_deref(), true, span)?;
                let frame = Frame::Seq {
                    start: span,
                    anchor,
                    tag,
                    base: self.values.len(),
                    mark: self.spans.mark(),
                };
                self.open(frame, span)?;
            }
            Event::MappingStart(anchor, tag) => {
                let tag = self.collection_tag(tag.as_deref(), false, span)?;
                let frame = Frame::Map {
                    start: span,
                    anchor,
                    tag,
                    base: self.values.len(),
                    key_base: self.keys.len(),
                    mark: self.spans.mark(),
                    keys: KeySet::default(),
                    key: None,
                };
                self.open(frame, span)?;
            }
            Event::End => self.close(span)?,
        }
        Ok(())
    }

    /// The finished value, once the stream has ended.
    fn finish(self) -> Result<(Value, Spans), LoadError> {
        match self.root {
            Some((value, node)) => Ok((value, self.spans.finish(node))),
            None => Err(LoadError::whole_file(self.name, LoadErrorKind::Empty)),
        }
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
                base,
                mark,
            } => {
                let last = self.spans.last_span(mark);
                let span = self.collection_span(start, end, last);
                let items: Vec<Value> = self.values.drain(base..).collect();
                (
                    Value::Array(items),
                    self.spans.close_seq(mark, span),
                    anchor,
                    tag,
                )
            }
            Frame::Map {
                start,
                anchor,
                tag,
                base,
                key_base,
                mark,
                key,
                ..
            } => {
                if let Some((_, key_span)) = key {
                    // A key without a value cannot come out of the parser, but be safe.
                    return Err(
                        self.error(key_span, LoadErrorKind::Syntax("key without value".into()))
                    );
                }
                let last = self.spans.last_span(mark);
                let span = self.collection_span(start, end, last);
                let members: Map<String, Value> = self
                    .keys
                    .drain(key_base..)
                    .zip(self.values.drain(base..))
                    .collect();
                (
                    Value::Object(members),
                    self.spans.close_map(mark, span),
                    anchor,
                    tag,
                )
            }
        };
        let (value, node) = match tag {
            Some(tag) => self.wrap(tag, value, node),
            None => (value, node),
        };
        self.remember(anchor, &value, node);
        let span = node.span;
        self.push_value(value, node, span)
    }

    /// A collection runs from its start to its last child; a flow collection also takes
    /// in its closing bracket. (A block collection's end event sits at the next token,
    /// which may be lines below, past comments.)
    fn collection_span(&self, start: Span, end: Span, last_child: Option<Span>) -> Span {
        let mut span = start;
        if let Some(last) = last_child {
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

    fn remember(&mut self, anchor: Option<String>, value: &Value, node: Node) {
        if let Some(anchor) = anchor {
            let count = self.spans.count(node);
            self.anchors.insert(anchor, (value.clone(), node, count));
        }
    }

    /// Adds a finished node to the collection being built, or makes it the root.
    fn push_value(&mut self, value: Value, node: Node, span: Span) -> Result<(), LoadError> {
        let Some(top) = self.stack.last_mut() else {
            self.root = Some((value, node));
            return Ok(());
        };
        match top {
            Frame::Seq { .. } => {
                self.values.push(value);
                self.spans.push(node);
                Ok(())
            }
            Frame::Map {
                key_base,
                mark,
                keys,
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
                    if let Some(first) = keys
                        .check(&key_text, &self.keys[*key_base..])
                        .and_then(|i| self.spans.key_span(*mark, i))
                    {
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
                    self.spans.push_member(&k, key_span, node);
                    self.keys.push(k);
                    self.values.push(value);
                    Ok(())
                }
            },
        }
    }

    fn collection_tag(
        &self,
        tag: Option<&str>,
        sequence: bool,
        span: Span,
    ) -> Result<Option<CfnTag>, LoadError> {
        let Some(tag) = tag else { return Ok(None) };
        if let Some(core) = tag.strip_prefix(CORE_SCHEMA) {
            // `!!seq` and `!!map` on their own kind only, as PyYAML's safe loader (and
            // CloudFormation) read them; `!!omap`, `!!set` and `!!python/...` are refused.
            return match (core, sequence) {
                ("seq", true) | ("map", false) => Ok(None),
                ("seq", false) | ("map", true) => Err(self.error(
                    span,
                    LoadErrorKind::BadTag {
                        tag: format!("!{core}"),
                        problem: format!(
                            "takes a {}, not a {}",
                            if sequence { "mapping" } else { "sequence" },
                            if sequence { "sequence" } else { "mapping" }
                        ),
                    },
                )),
                _ => Err(self.error(span, LoadErrorKind::UnsupportedTag(format!("!!{core}")))),
            };
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

    /// The long form of a local tag: a CloudFormation function's (`!GetAtt` →
    /// `Fn::GetAtt`), or for any other name `Fn::<name>`, as cfn-lint reads it
    /// (`!Rain::Embed` → `Fn::Rain::Embed`): the `template` policy reports those, and the
    /// rest of the template is still checked.
    fn cfn_tag(&self, tag: &str, span: Span) -> Result<CfnTag, LoadError> {
        let name = tag
            .strip_prefix('!')
            .filter(|name| !name.is_empty() && !name.starts_with('!'));
        let Some(name) = name else {
            return Err(self.error(span, LoadErrorKind::UnknownTag(tag.to_string())));
        };
        let key = match long_form(name) {
            Some(key) => key.into(),
            None => format!("Fn::{name}").into(),
        };
        Ok(CfnTag {
            name: name.to_string(),
            key,
        })
    }

    fn scalar(
        &mut self,
        text: &str,
        plain: bool,
        tag: Option<&str>,
        span: Span,
    ) -> Result<(Value, Node), LoadError> {
        let node = Node::leaf(span);
        let Some(tag) = tag else {
            let value = if plain {
                resolve_plain(text)
            } else {
                Value::String(text.to_string())
            };
            return Ok((value, node));
        };
        if let Some(core) = tag.strip_prefix(CORE_SCHEMA) {
            return self
                .core_scalar(core, text, span)
                .map(|value| (value, node));
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
            let mark = self.spans.mark();
            self.spans.push(Node::leaf(span));
            self.spans.push(Node::leaf(span));
            let parts = self.spans.close_seq(mark, span);
            return Ok(self.wrap(
                cfn,
                Value::Array(vec![resource.into(), attribute.into()]),
                parts,
            ));
        } else {
            Value::String(text.to_string())
        };
        Ok(self.wrap(cfn, arg, node))
    }

    /// Wraps a tagged node in its long form: `!Sub x` becomes `{"Fn::Sub": x}`. Both the
    /// synthetic mapping and its member carry the tagged node's span.
    fn wrap(&mut self, tag: CfnTag, value: Value, node: Node) -> (Value, Node) {
        let span = node.span;
        let mark = self.spans.mark();
        self.spans.push_member(&tag.key, span, node);
        let mut members = Map::with_capacity(1);
        members.insert(tag.key.into_owned(), value);
        (Value::Object(members), self.spans.close_map(mark, span))
    }
}

impl Builder<'_> {
    /// A scalar with a core-schema tag. PyYAML's safe loader (cfn-lint, `sam`) and
    /// CloudFormation take `!!str`, `!!int`, `!!float`, `!!bool` and `!!null`, and refuse a
    /// value that is not of the type (`!!int abc`); `!!binary`, `!!timestamp` and any
    /// other tag (`!!python/object/apply:...`) are refused here, as they would give a
    /// value JSON cannot hold or no value at all.
    fn core_scalar(&self, core: &str, text: &str, span: Span) -> Result<Value, LoadError> {
        let wrong = |kind: &str| {
            self.error(
                span,
                LoadErrorKind::BadTag {
                    tag: format!("!{core}"),
                    problem: format!("needs {kind}, not `{text}`"),
                },
            )
        };
        match core {
            "str" => Ok(Value::String(text.to_string())),
            "null" => Ok(Value::Null),
            "bool" => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => Ok(Value::Bool(true)),
                "false" | "no" | "off" => Ok(Value::Bool(false)),
                _ => Err(wrong("a boolean")),
            },
            "int" => match resolve_plain(text) {
                Value::Number(n) if n.is_i64() || n.is_u64() => Ok(Value::Number(n)),
                // Leading zeros (account ids) stay text, as plain scalars do.
                Value::String(s) if is_decimal(&s) => Ok(Value::String(s)),
                _ => Err(wrong("an integer")),
            },
            "float" => match resolve_plain(text) {
                Value::Number(n) => Ok(Value::Number(n)),
                // Leading zeros and what JSON cannot hold (`.inf`, `.nan`) stay text.
                Value::String(s) if is_decimal(&s) || is_special_float(&s) => Ok(Value::String(s)),
                _ => Err(wrong("a number")),
            },
            "seq" | "map" => Err(self.error(
                span,
                LoadErrorKind::BadTag {
                    tag: format!("!{core}"),
                    problem: "takes a collection, not a scalar".into(),
                },
            )),
            _ => Err(self.error(span, LoadErrorKind::UnsupportedTag(format!("!!{core}")))),
        }
    }
}

/// The core schema's infinities and not-a-number.
fn is_special_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN")
}

/// Digits with an optional sign (`0123`, `-007`).
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}
