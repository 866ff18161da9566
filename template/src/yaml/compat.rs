//! The compatibility parser: libyaml (as ported to safe Rust), the parser behind PyYAML.

use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};
use serde_json::Value;

use super::{Builder, Event};
use crate::error::LoadError;
use crate::span::Spans;

fn position(mark: Mark) -> (usize, usize) {
    (mark.line as usize + 1, mark.column as usize)
}

pub(super) fn parse(mut builder: Builder<'_>) -> Result<(Value, Spans), LoadError> {
    let mut input = builder.text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    loop {
        let event = parser.parse().map_err(|e| {
            let (line, col) = e.problem_mark().map(position).unwrap_or((1, 0));
            builder.syntax_error(line, col, e.problem().to_string())
        })?;
        let span = builder.span(position(event.start_mark), position(event.end_mark));
        let event = match event.data {
            EventData::StreamEnd => break,
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => continue,
            EventData::DocumentStart { .. } => Event::DocumentStart,
            EventData::Alias { anchor } => Event::Alias(anchor),
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => Event::Scalar(value.into(), style == ScalarStyle::Plain, anchor, tag),
            EventData::SequenceStart { anchor, tag, .. } => Event::SequenceStart(anchor, tag),
            EventData::MappingStart { anchor, tag, .. } => Event::MappingStart(anchor, tag),
            EventData::SequenceEnd | EventData::MappingEnd => Event::End,
        };
        builder.event(event, span)?;
    }
    builder.finish()
}
