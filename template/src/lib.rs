//! Loads CloudFormation and SAM templates into canonical JSON, keeping a source span for
//! every node.
//!
//! YAML and JSON are both accepted. CloudFormation short-form tags become their long form
//! (`!Ref X` becomes `{"Ref": "X"}`, `!GetAtt A.B` becomes `{"Fn::GetAtt": ["A", "B"]}`),
//! so that policies see one shape whatever the author wrote. Any JSON pointer into the
//! canonical value maps back to a [`Location`] in the source.
//!
//! Input is bounded by [`Limits`] (size, nesting depth, alias expansion) and every
//! [`LoadError`] names the file, line and column. No input makes the loader panic.
//!
//! ```
//! use preflight_template::{Template, Limits};
//!
//! let text = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Name\n";
//! let template = Template::parse(text, "template.yaml", &Limits::default()).unwrap();
//! assert_eq!(template.value()["Resources"]["Topic"]["Properties"]["TopicName"]["Ref"], "Name");
//! let at = template.locate("/Resources/Topic/Properties/TopicName").unwrap();
//! assert_eq!((at.line, at.column), (5, 7));
//! ```

mod error;
mod extensions;
pub mod fs;
#[doc(hidden)]
pub mod fuzz;
mod json;
mod lines;
mod pointer;
mod scalar;
mod span;
mod tags;
mod yaml;

use std::path::Path;
use std::sync::Arc;

pub use error::{LoadError, LoadErrorKind};
pub use lines::LineIndex;
pub use pointer::{PointerError, parse_pointer};
pub use span::Span;

use span::Spans;

/// Installs a panic hook that stays quiet about panics inside the YAML compatibility
/// parser, which the loader catches and treats as "no second opinion"; every other panic
/// is reported by the previous hook. Call once at program start.
pub fn quiet_compat_parser_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_compat = info
            .location()
            .is_some_and(|l| l.file().contains("libyaml-safer"));
        if !in_compat {
            previous(info);
        }
    }));
}

/// Bounds on what the loader accepts, so that a hostile file cannot exhaust the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: u64,
    /// Deepest nesting of mappings and sequences accepted.
    pub max_depth: usize,
    /// Most nodes that YAML aliases may add when expanded (billion-laughs guard).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 5 * 1024 * 1024,
            max_depth: 128,
            max_alias_nodes: 10_000,
        }
    }
}

/// The syntax a template was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML 1.2 (with CloudFormation short-form tags).
    Yaml,
    /// JSON (strict: no comments, no trailing commas).
    Json,
}

/// A place in a source file. Lines and columns are 1-based and count characters;
/// `end_column` is exclusive, as in SARIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Line of the first character.
    pub line: usize,
    /// Column of the first character.
    pub column: usize,
    /// Line of the last character.
    pub end_line: usize,
    /// Column just past the last character.
    pub end_column: usize,
    /// Byte offset of the first character in the source.
    pub start_byte: usize,
    /// Byte offset just past the last character in the source.
    pub end_byte: usize,
}

/// A loaded template: its canonical JSON value, its source and the span of every node.
#[derive(Debug, Clone)]
pub struct Template {
    name: String,
    source: Arc<str>,
    format: Format,
    spans: Spans,
    lines: LineIndex,
    // Last, so that it is dropped last: freeing a large block (the spans, the line index)
    // after the value's many small ones makes glibc's malloc (the tests', the SDK's
    // native helpers'; the binary has mimalloc) consolidate all of those on the spot, a
    // walk over the whole freed value that costs as much as a tenth of the load.
    value: serde_json::Value,
}

impl Template {
    /// Reads and parses a template file. Anything but a regular file is refused before a
    /// byte is read, and no more than the size limit (plus one byte) is ever read.
    pub fn load(path: &Path, limits: &Limits) -> Result<Template, LoadError> {
        let name = path.display().to_string();
        let bytes = fs::read(path, limits.max_bytes).map_err(|e| {
            let kind = match fs::ReadError::of(&e) {
                Some(fs::ReadError::TooLarge {
                    size: Some(size),
                    limit,
                }) => LoadErrorKind::TooLarge {
                    size: *size,
                    limit: *limit,
                },
                Some(fs::ReadError::NotRegular(kind)) => LoadErrorKind::NotRegular(*kind),
                _ => return LoadError::io(&name, e),
            };
            LoadError::whole_file(&name, kind)
        })?;
        Template::from_bytes(bytes, &name, limits)
    }

    /// Parses a template from raw bytes (UTF-8, with or without a byte-order mark).
    pub fn from_bytes(bytes: Vec<u8>, name: &str, limits: &Limits) -> Result<Template, LoadError> {
        if bytes.len() as u64 > limits.max_bytes {
            return Err(LoadError::whole_file(
                name,
                LoadErrorKind::TooLarge {
                    size: bytes.len() as u64,
                    limit: limits.max_bytes,
                },
            ));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
                let lines = LineIndex::new(&prefix);
                let (line, column) = lines.line_col(&prefix, valid);
                return Err(LoadError::at(name, line, column, LoadErrorKind::NotUtf8));
            }
        };
        Template::parse(&text, name, limits)
    }

    /// Parses a template from text. `name` is used in errors and reports only.
    pub fn parse(text: &str, name: &str, limits: &Limits) -> Result<Template, LoadError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() as u64 > limits.max_bytes {
            return Err(LoadError::whole_file(
                name,
                LoadErrorKind::TooLarge {
                    size: text.len() as u64,
                    limit: limits.max_bytes,
                },
            ));
        }
        let lines = LineIndex::new(text);
        let format = sniff_format(name, text);
        let (value, spans) = match format {
            Format::Json => json::parse(text, name, &lines, limits)?,
            Format::Yaml => yaml::parse(text, name, &lines, limits)?,
        };
        // What CloudFormation judges is the template after its language extensions.
        let (value, spans) = if extensions::declared(&value) {
            extensions::expand(value, spans).map_err(|_| {
                LoadError::whole_file(
                    name,
                    LoadErrorKind::TooManyGenerated(extensions::MAX_GENERATED),
                )
            })?
        } else {
            (value, spans)
        };
        Ok(Template {
            name: name.to_string(),
            source: Arc::from(text),
            format,
            value,
            spans,
            lines,
        })
    }

    /// The name the template was loaded under (usually its path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The source text, without a byte-order mark.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// A shared handle on the source text.
    pub fn source_arc(&self) -> Arc<str> {
        Arc::clone(&self.source)
    }

    /// The syntax the template was written in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The canonical JSON value (short-form tags in long form).
    pub fn value(&self) -> &serde_json::Value {
        &self.value
    }

    /// Consumes the template, keeping only its canonical value.
    pub fn into_value(self) -> serde_json::Value {
        self.value
    }

    /// The canonical value as compact JSON text, as policies receive it.
    pub fn to_json(&self) -> String {
        self.value.to_string()
    }

    /// The line index of the source, for turning byte offsets into lines and columns.
    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }

    /// Maps a JSON pointer to the place it came from in the source.
    ///
    /// A pointer to a mapping member covers the key and its value. Returns `None` when
    /// the pointer is malformed or names nothing; see [`Template::locate_nearest`].
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let tokens = parse_pointer(pointer).ok()?;
        let (span, rest) = self.spans.resolve(&tokens);
        (rest == 0).then(|| self.location(span))
    }

    /// Like [`Template::locate`], but falls back to the deepest existing ancestor; the
    /// boolean says whether the pointer itself was found.
    pub fn locate_nearest(&self, pointer: &str) -> (Location, bool) {
        let tokens = parse_pointer(pointer).unwrap_or_default();
        let (span, rest) = self.spans.resolve(&tokens);
        (self.location(span), rest == 0)
    }

    /// Narrows a location to the first occurrence of `needle` inside it, if there is one.
    pub fn narrow(&self, within: Location, needle: &str) -> Option<Location> {
        if needle.is_empty() {
            return None;
        }
        let haystack = self.source.get(within.start_byte..within.end_byte)?;
        let offset = haystack.find(needle)?;
        let start = within.start_byte + offset;
        Some(self.location(Span {
            start,
            end: start + needle.len(),
        }))
    }

    /// The location of a byte span of the source.
    pub fn location(&self, span: Span) -> Location {
        let (line, column) = self.lines.line_col(&self.source, span.start);
        let (end_line, end_column) = self.lines.line_col(&self.source, span.end);
        Location {
            line,
            column,
            end_line,
            end_column,
            start_byte: span.start,
            end_byte: span.end,
        }
    }
}

/// JSON when the name says so or the first significant character opens an object;
/// YAML otherwise (JSON is mostly YAML, but strict JSON parsing gives better errors).
fn sniff_format(name: &str, text: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") || lower.ends_with(".template.json") {
        return Format::Json;
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return Format::Yaml;
    }
    match text.trim_start().chars().next() {
        Some('{') | Some('[') => Format::Json,
        _ => Format::Yaml,
    }
}
