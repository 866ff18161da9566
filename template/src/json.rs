//! Strict JSON → canonical JSON with spans, via dprint's jsonc-parser with every
//! leniency turned off.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::Limits;
use crate::error::{LoadError, LoadErrorKind};
use crate::lines::LineIndex;
use crate::span::{Node, Span, SpanBuilder, Spans};

pub(crate) fn parse(
    text: &str,
    name: &str,
    lines: &LineIndex,
    limits: &Limits,
) -> Result<(Value, Spans), LoadError> {
    let at = |offset: usize, kind: LoadErrorKind| {
        let (line, column) = lines.line_col(text, offset);
        LoadError::at(name, line, column, kind)
    };
    // The parser recurses, so bound the depth before handing it the text.
    if let Some(offset) = too_deep(text, limits.max_depth) {
        return Err(at(offset, LoadErrorKind::TooDeep(limits.max_depth)));
    }
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_extended_string_escapes: false,
        allow_non_finite_numbers: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &options)
        .map_err(|e| at(e.range().start, LoadErrorKind::Syntax(e.kind().to_string())))?;
    let Some(root) = parsed.value else {
        return Err(LoadError::whole_file(name, LoadErrorKind::Empty));
    };
    let mut spans = SpanBuilder::default();
    let (value, root) = convert(root, &at, lines, text, &mut spans)?;
    Ok((value, spans.finish(root)))
}

fn convert(
    node: Ast<'_>,
    at: &impl Fn(usize, LoadErrorKind) -> LoadError,
    lines: &LineIndex,
    text: &str,
    spans: &mut SpanBuilder,
) -> Result<(Value, Node), LoadError> {
    let span_of = |r: jsonc_parser::common::Range| Span {
        start: r.start,
        end: r.end,
    };
    Ok(match node {
        Ast::StringLit(s) => (
            Value::String(s.value.into_owned()),
            Node::leaf(span_of(s.range)),
        ),
        Ast::BooleanLit(b) => (Value::Bool(b.value), Node::leaf(span_of(b.range))),
        Ast::NullKeyword(n) => (Value::Null, Node::leaf(span_of(n.range))),
        Ast::NumberLit(n) => {
            let value = serde_json::from_str::<Number>(n.value)
                .map(Value::Number)
                .or_else(|_| n.value.parse::<f64>().map(Value::from))
                .map_err(|_| {
                    at(
                        n.range.start,
                        LoadErrorKind::Syntax(format!("bad number `{}`", n.value)),
                    )
                })?;
            (value, Node::leaf(span_of(n.range)))
        }
        Ast::Array(a) => {
            let span = span_of(a.range);
            let slots = spans.seq_slots(a.elements.len());
            let mut items = Vec::with_capacity(a.elements.len());
            for (i, element) in a.elements.into_iter().enumerate() {
                let (v, s) = convert(element, at, lines, text, spans)?;
                items.push(v);
                spans.set_item(slots, i, s);
            }
            (Value::Array(items), spans.close_seq_slots(slots, span))
        }
        Ast::Object(o) => {
            let span = span_of(o.range);
            let slots = spans.map_slots(o.properties.len());
            let mut members = Map::with_capacity(o.properties.len());
            for (i, prop) in o.properties.into_iter().enumerate() {
                let (key, key_range) = match prop.name {
                    ObjectPropName::String(s) => (s.value.into_owned(), s.range),
                    ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                let key_span = span_of(key_range);
                // The value map answers in O(1) (its entry, found once, is where the value
                // goes); only a duplicate pays for the scan.
                let entry = members.entry(key);
                if let Entry::Occupied(seen) = &entry
                    && let Some(first) = spans.find_member(slots, i, seen.key())
                {
                    let first_line = lines.line_col(text, first.start).0;
                    let key = seen.key().clone();
                    return Err(at(
                        key_span.start,
                        LoadErrorKind::DuplicateKey { key, first_line },
                    ));
                }
                let (v, s) = convert(prop.value, at, lines, text, spans)?;
                spans.set_member(slots, i, entry.key(), key_span, s);
                match entry {
                    Entry::Vacant(e) => {
                        e.insert(v);
                    }
                    Entry::Occupied(mut e) => {
                        e.insert(v);
                    }
                }
            }
            (Value::Object(members), spans.close_map_slots(slots, span))
        }
    })
}

/// Byte offset where bracket nesting first exceeds `max`, skipping string contents.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
