//! The cfn-guard library, as this policy uses it: rule files parsed once per instance,
//! then evaluated against each template by cfn-guard's own `validate` command.
//!
//! cfn-guard 3.2.1 keeps its evaluator (`rules::eval`, `RulesFile`, `RecordTracker`)
//! private. Its public library API is `commands::validate::parse_rules` (the parser
//! `validate` uses) and the `validate` command itself (`ValidateBuilder`), which can
//! read rules and data from a reader (`--payload`) and write its structured report to
//! a buffer. That report is what its reporters derive from the `EventRecord` tree that
//! `eval_rules_file` records (`simplified_json_from_root`): per rule, pass / fail / skip,
//! and per failed clause the property path, the values compared and the messages.
//!
//! So what can be decided once is memoised per instance (whether the file parses, the
//! error with its line and column, whether it holds any rule, its rule names in file
//! order), and `validate` parses a valid file again on each evaluation: there is no
//! public way to hand it a parsed file. All the rule files of an evaluation go to one
//! `validate` run, so the template is loaded once; when one of them stops with an
//! error, they are run again one by one to tell which. (`run_checks`, the other public entry point,
//! returns only the last 8 KiB of a longer report: it reads a `BufWriter`'s buffer.)

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::rc::Rc;

use std::io::Cursor;

use crate::report::{self, FileReport};
use cfn_guard::commands::Executable;
use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType};
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::{CommandBuilder, ValidateBuilder};

/// At most this many parsed rule files are kept per instance (a run uses one rule set;
/// the bound only matters when settings change between calls on one warm instance).
const CACHE_LIMIT: usize = 512;

/// What is known about a rules file once it has been parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Only comments and blank lines: nothing to evaluate (cfn-guard passes it).
    Empty,
    /// Valid rules, with their names in file order (a name may repeat).
    Rules(Vec<String>),
    /// The file does not parse.
    Error(ParseError),
}

/// A rules file's parse error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Line in the rules file (1-based), when cfn-guard gave one.
    pub line: Option<usize>,
    /// Column (1-based), when cfn-guard gave one.
    pub column: Option<usize>,
    /// What the parser expected or found.
    pub message: String,
}

thread_local! {
    static CACHE: RefCell<HashMap<u64, Rc<Parsed>>> = RefCell::new(HashMap::new());
}

/// Parses `text` (named `name`), or returns the memoised result for the same name and
/// text.
pub fn parse(name: &str, text: &str) -> Rc<Parsed> {
    let key = {
        let mut h = DefaultHasher::new();
        name.hash(&mut h);
        text.hash(&mut h);
        h.finish()
    };
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let parsed = Rc::new(parse_uncached(name, text));
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(key, Rc::clone(&parsed));
    });
    parsed
}

fn parse_uncached(name: &str, text: &str) -> Parsed {
    match cfn_guard::commands::validate::parse_rules(text, name) {
        Ok(None) => Parsed::Empty,
        Ok(Some(rules)) => {
            // The parsed file serialises (it is what `cfn-guard parse-tree` prints); the
            // rule names give `rules[]` the file's order.
            let names = serde_json::to_value(&rules)
                .ok()
                .and_then(|v| {
                    v.get("guard_rules")?
                        .as_array()?
                        .iter()
                        .map(|r| r.get("rule_name")?.as_str().map(|n| local_name(n, name)))
                        .collect::<Option<Vec<String>>>()
                })
                .unwrap_or_default();
            Parsed::Rules(names)
        }
        Err(e) => Parsed::Error(parse_error(&e.to_string())),
    }
}

/// The payload name cfn-guard gives the one rules file of an evaluation.
const PAYLOAD_RULES_NAME: &str = "RULES_STDIN[1]";

/// A rule's name without the rules-file prefix cfn-guard puts on the rule made of a
/// file's top-level clauses (`<file>/default`): `default`.
pub fn local_name(rule: &str, file: &str) -> String {
    [file, PAYLOAD_RULES_NAME]
        .iter()
        .find_map(|prefix| rule.strip_prefix(prefix)?.strip_prefix('/'))
        .unwrap_or(rule)
        .to_string()
}

/// Reads `Parser Error when parsing `Parsing Error Error parsing file F at line L at
/// column C, when handling WHAT, fragment FRAG`` into its parts.
fn parse_error(raw: &str) -> ParseError {
    let inner = raw
        .strip_prefix("Parser Error when parsing `")
        .map(|s| s.strip_suffix('`').unwrap_or(s))
        .unwrap_or(raw);
    let number_after = |marker: &str| -> Option<usize> {
        let at = inner.find(marker)? + marker.len();
        let digits: String = inner[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let line = number_after(" at line ");
    let column = number_after(" at column ");
    let message = match inner.split_once(", when handling ") {
        Some((_, what)) => {
            let (what, fragment) = match what.rsplit_once(", fragment ") {
                Some((w, f)) => (w.trim(), f.trim()),
                None => (what.trim(), ""),
            };
            let what = if what.is_empty() {
                "unexpected input"
            } else {
                what
            };
            if fragment.is_empty() {
                what.to_string()
            } else {
                format!("{what} (at `{}`)", shorten(fragment, 40))
            }
        }
        None => inner.trim().to_string(),
    };
    ParseError {
        line,
        column,
        message,
    }
}

/// Evaluates a rules file that parsed into rules against `data` (JSON text), with
/// `cfn-guard validate --payload --structured --output-format json --show-summary none`
/// run in-process: the validate command's own path (data loader, `eval_rules_file` with
/// its `RecordTracker`, `simplified_json_from_root`), reading from and writing to
/// memory.
///
/// `Ok(None)`: cfn-guard found nothing to evaluate. `Err`: cfn-guard stopped with an
/// error (an unknown variable, a type error, ...), as `cfn-guard validate` would.
pub fn evaluate(text: &str, data: &str) -> Result<Option<FileReport>, String> {
    let mut reports = validate(&[text], data, true)?;
    Ok(if reports.is_empty() {
        None
    } else {
        Some(reports.remove(0))
    })
}

/// Evaluates several rules files that parsed into rules against `data` in one
/// `cfn-guard validate --payload --output-format json --show-summary none` run, which
/// loads the data once and prints one report per rules file, in order.
///
/// `Err` when any file stops with an error (cfn-guard then stops the whole run) or the
/// reports do not pair up with the files: evaluate them one by one to tell which.
pub fn evaluate_all(texts: &[&str], data: &str) -> Result<Vec<FileReport>, String> {
    let reports = validate(texts, data, false)?;
    if reports.len() != texts.len() {
        return Err(format!(
            "cfn-guard printed {} reports for {} rule files",
            reports.len(),
            texts.len()
        ));
    }
    Ok(reports)
}

/// Runs `validate` on the rules `texts` and one data document, in memory, with JSON
/// output: one report per data document when `structured`, one per rules file
/// otherwise.
fn validate(texts: &[&str], data: &str, structured: bool) -> Result<Vec<FileReport>, String> {
    let payload = serde_json::json!({ "rules": texts, "data": [data] }).to_string();
    let run = || -> Result<String, cfn_guard::Error> {
        let command = ValidateBuilder::default()
            .payload(true)
            .structured(structured)
            .output_format(OutputFormatType::JSON)
            .show_summary(vec![ShowSummaryType::None])
            .try_build()?;
        let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(payload.into_bytes())));
        let mut writer = Writer::new_with_err(WriteBuffer::Vec(vec![]), WriteBuffer::Vec(vec![]))?;
        // Parse errors and notices go to the error buffer, which is dropped: files
        // that do not parse never get here, and notices do not change a verdict.
        command.execute(&mut writer, &mut reader)?;
        writer.into_string()
    };
    // A native panic inside cfn-guard becomes an error; in WebAssembly a panic aborts
    // and the host reports the trap.
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .map_err(|_| "cfn-guard panicked while evaluating".to_string())?
        .map_err(|e| e.to_string())?;
    report::parse_all(&out)
}

/// `text` cut to `max` characters, with an ellipsis when cut; newlines become spaces.
pub fn shorten(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_keep_line_and_column() {
        let Parsed::Error(e) = &*parse("bad.guard", "rule x { Properties.X == }") else {
            panic!("expected a parse error");
        };
        assert_eq!((e.line, e.column), (Some(1), Some(25)));
        assert!(
            e.message.starts_with("expecting either a property access"),
            "{}",
            e.message
        );
    }

    #[test]
    fn empty_and_valid_files() {
        assert_eq!(*parse("c.guard", "# only a comment\n\n"), Parsed::Empty);
        assert_eq!(
            *parse(
                "a.guard",
                "rule A { Resources exists }\nrule B { Resources exists }"
            ),
            Parsed::Rules(vec!["A".into(), "B".into()])
        );
        assert_eq!(
            *parse("d.guard", "Resources exists\nrule A { Resources exists }"),
            Parsed::Rules(vec!["default".into(), "A".into()])
        );
        assert_eq!(local_name("RULES_STDIN[1]/default", "x"), "default");
        assert_eq!(local_name("x/default", "x"), "default");
        assert_eq!(local_name("xy/default", "x"), "xy/default");
    }

    #[test]
    fn memoised() {
        let a = parse("m.guard", "rule M { Resources exists }");
        let b = parse("m.guard", "rule M { Resources exists }");
        assert!(Rc::ptr_eq(&a, &b));
    }

    #[test]
    fn unparsed_error_text_is_kept() {
        let e = parse_error("something else");
        assert_eq!((e.line, e.column), (None, None));
        assert_eq!(e.message, "something else");
    }
}
