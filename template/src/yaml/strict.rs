//! The YAML 1.2 parser: saphyr.
//!
//! On a large text, saphyr runs on a thread of its own and hands its events over in
//! batches while the builder takes them: parsing and building each take about half of a
//! load, so on a machine with a second core a large template loads in about the time of
//! the slower of the two instead of their sum. Small texts, which an audit loads many of
//! at once on every core, are parsed inline: a thread would cost more than it saves.

use std::sync::OnceLock;
use std::sync::mpsc::{SyncSender, sync_channel};

use saphyr_parser::{Event as Saphyr, Parser, ScalarStyle, ScanError, Tag};
use serde_json::Value;

use super::{Builder, Event};
use crate::error::LoadError;
use crate::span::Spans;

/// Texts of at least this many bytes are parsed on a thread of their own.
const PIPELINED_BYTES: usize = 256 * 1024;

/// Events per batch handed from the parser's thread to the builder: enough that the
/// channel costs little per event, few enough that the two overlap from the start.
const BATCH: usize = 16 * 1024;

/// Batches parsed ahead of the builder, at most.
const BATCHES_AHEAD: usize = 4;

/// An event with its (1-based line, 0-based character column) start and end.
type Positioned<'a> = (Event<'a>, (usize, usize), (usize, usize));

fn full_tag(tag: Option<&Tag>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

fn anchor(id: usize) -> Option<String> {
    (id != 0).then(|| id.to_string())
}

/// saphyr's next event in the builder's terms; `None` at the end of the stream. Stream
/// and document ends are skipped.
fn next<'a>(
    parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
) -> Option<Result<Positioned<'a>, ScanError>> {
    loop {
        let (event, span) = match parser.next_event()? {
            Ok(next) => next,
            Err(e) => return Some(Err(e)),
        };
        let event = match event {
            Saphyr::StreamStart | Saphyr::Nothing | Saphyr::DocumentEnd => continue,
            Saphyr::StreamEnd => return None,
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
        let start = (span.start.line(), span.start.col());
        let end = (span.end.line(), span.end.col());
        return Some(Ok((event, start, end)));
    }
}

/// saphyr's events of `text`, in the builder's terms.
fn events<'a>(text: &'a str) -> impl Iterator<Item = Result<Positioned<'a>, ScanError>> {
    let mut parser = Parser::new_from_str(text);
    std::iter::from_fn(move || next(&mut parser))
}

/// Whether this machine has a second core for the parser's thread (asked once: the
/// answer comes from the scheduler and cgroup files).
fn second_core() -> bool {
    static SECOND_CORE: OnceLock<bool> = OnceLock::new();
    *SECOND_CORE.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

pub(super) fn parse(builder: Builder<'_>) -> Result<(Value, Spans), LoadError> {
    let text = builder.text;
    if text.len() < PIPELINED_BYTES || !second_core() {
        return build(builder, events(text));
    }
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel(BATCHES_AHEAD);
        // A thread that cannot be started leaves the parse to this one.
        if std::thread::Builder::new()
            .name("yaml-parser".into())
            .spawn_scoped(scope, move || produce(text, &sender))
            .is_err()
        {
            return build(builder, events(text));
        }
        // When the builder stops early (a duplicate key, a limit), `receiver` is dropped
        // on return, so the parser's next send fails and its thread ends.
        build(builder, receiver.into_iter().flatten())
    })
}

/// Parses `text` and sends its events in batches; a scan error ends the last batch.
fn produce<'a>(text: &'a str, sender: &SyncSender<Vec<Result<Positioned<'a>, ScanError>>>) {
    let mut batch = Vec::with_capacity(BATCH);
    for event in events(text) {
        let failed = event.is_err();
        batch.push(event);
        if failed {
            break;
        }
        if batch.len() == BATCH
            && sender
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .is_err()
        {
            return;
        }
    }
    // The builder may have stopped already; then nobody waits for this batch.
    let _ = sender.send(batch);
}

fn build<'a>(
    mut builder: Builder<'_>,
    events: impl Iterator<Item = Result<Positioned<'a>, ScanError>>,
) -> Result<(Value, Spans), LoadError> {
    for next in events {
        let (event, start, end) = next.map_err(|e| {
            let at = e.marker();
            if e.info() == "recursion limit exceeded" {
                // saphyr's own bound on flow nesting, met while scanning ahead.
                builder.too_deep(at.line(), at.col())
            } else {
                builder.syntax_error(at.line(), at.col(), e.info().to_string())
            }
        })?;
        let span = builder.span(start, end);
        builder.event(event, span)?;
    }
    builder.finish()
}
