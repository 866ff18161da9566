//! The YAML 1.2 parser: saphyr.

use saphyr_parser::{Event as Saphyr, Parser, ScalarStyle, Tag};
use serde_json::Value;

use super::{Builder, Event};
use crate::error::LoadError;
use crate::span::Spans;

fn full_tag(tag: Option<&Tag>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

fn anchor(id: usize) -> Option<String> {
    (id != 0).then(|| id.to_string())
}

pub(super) fn parse(mut builder: Builder<'_>) -> Result<(Value, Spans), LoadError> {
    let mut parser = Parser::new_from_str(builder.text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let at = e.marker();
            if e.info() == "recursion limit exceeded" {
                // saphyr's own bound on flow nesting, met while scanning ahead.
                builder.too_deep(at.line(), at.col())
            } else {
                builder.syntax_error(at.line(), at.col(), e.info().to_string())
            }
        })?;
        let span = builder.span(
            (span.start.line(), span.start.col()),
            (span.end.line(), span.end.col()),
        );
        let event = match event {
            Saphyr::StreamStart | Saphyr::StreamEnd | Saphyr::Nothing | Saphyr::DocumentEnd => {
                continue;
            }
            Saphyr::DocumentStart(_) => Event::DocumentStart,
            Saphyr::Alias(id) => Event::Alias(id.to_string()),
            Saphyr::Scalar(text, style, id, tag) => Event::Scalar(
                text,
                style == ScalarStyle::Plain,
                anchor(id),
                full_tag(tag.as_deref()),
            ),
            Saphyr::SequenceStart(id, tag) => {
                Event::SequenceStart(anchor(id), full_tag(tag.as_deref()))
            }
            Saphyr::MappingStart(id, tag) => {
                Event::MappingStart(anchor(id), full_tag(tag.as_deref()))
            }
            Saphyr::SequenceEnd | Saphyr::MappingEnd => Event::End,
        };
        builder.event(event, span)?;
    }
    builder.finish()
}
