//! The cfn-guard library, as this policy uses it: each rules file parsed once per
//! instance, then evaluated against each template.
//!
//! cfn-guard 3.2.1 keeps its evaluator private; its public API evaluates only through its
//! commands (`validate`), which parse every rules file on every run. The copy this
//! workspace builds (`vendor/cfn-guard`, see its `PATCHED.md`) adds one public module,
//! `cfn_guard::preparsed`, that calls the crate's own functions in the order `validate
//! --structured` calls them: parse a rules file (`parse_rules`), read a document (its YAML
//! loader), evaluate one against the other (`root_scope`, `eval_rules_file` with the event
//! recorder, `simplified_json_from_root`). The report is what `validate --structured -o
//! json` prints for one rules file and one data file.
//!
//! So each rules file is parsed once per instance and kept ([`parse`]): whether it parses,
//! the error with its line and column, its rule names in file order, and the parsed rules
//! themselves. Each template is read once per evaluation ([`load`]) and every rules file
//! is evaluated against it ([`evaluate`]); an error in one rules file leaves the others.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::report::FileReport;
use cfn_guard::preparsed::{self, Data, Rules};

/// At most this many parsed rule files are kept per instance (a run uses one rule set;
/// the bound only matters when settings change between calls on one warm instance, as
/// in `preflight policy test`).
const CACHE_LIMIT: usize = 512;

/// The name cfn-guard gives the one data document of an evaluation, as `validate
/// --payload` names it.
const DATA_NAME: &str = "DATA_STDIN[1]";

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

/// A parsed rules file: what is known about it and, when it holds rules, the rules.
pub struct Entry {
    /// The rules text.
    text: &'static str,
    /// Whether it parsed, and its rule names.
    pub parsed: Parsed,
    /// The parsed rules (when `parsed` is [`Parsed::Rules`]).
    rules: Option<Rules<'static>>,
}

impl Entry {
    /// What is known about the file.
    pub fn parsed(&self) -> &Parsed {
        &self.parsed
    }
}

/// Parsed files, by name and text length.
type Cache = HashMap<(String, usize), Vec<Rc<Entry>>>;

thread_local! {
    /// Parsed files by name and length; the text is compared on a hit (cheaper than
    /// hashing every rules text on every evaluation).
    static CACHE: RefCell<Cache> = RefCell::new(HashMap::new());
}

/// Parses `text` (named `name`), or returns the parse kept for the same name and text.
pub fn parse(name: &str, text: &str) -> Rc<Entry> {
    let key = (name.to_string(), text.len());
    let hit = CACHE.with(|c| {
        c.borrow()
            .get(&key)
            .and_then(|entries| entries.iter().find(|e| e.text == text).cloned())
    });
    if let Some(hit) = hit {
        return hit;
    }
    let entry = Rc::new(parse_uncached(name, text));
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.values().map(Vec::len).sum::<usize>() >= CACHE_LIMIT {
            c.clear();
        }
        c.entry(key).or_default().push(Rc::clone(&entry));
    });
    entry
}

fn parse_uncached(name: &str, text: &str) -> Entry {
    // The parsed rules borrow their text and name for as long as the instance keeps them:
    // both are leaked, once per distinct rules file an instance sees (the cache keeps
    // the parse; an instance lives for one run).
    let text: &'static str = Box::leak(text.to_string().into_boxed_str());
    let name: &'static str = Box::leak(name.to_string().into_boxed_str());
    match preparsed::parse(text, name) {
        Ok(None) => Entry {
            text,
            parsed: Parsed::Empty,
            rules: None,
        },
        Ok(Some(rules)) => Entry {
            text,
            parsed: Parsed::Rules(rule_names(text, name)),
            rules: Some(rules),
        },
        Err(e) => Entry {
            text,
            parsed: Parsed::Error(parse_error(&e.to_string())),
            rules: None,
        },
    }
}

/// The rule names of a rules file that parses, in file order: the parsed file
/// serialises (it is what `cfn-guard parse-tree` prints).
fn rule_names(text: &str, name: &str) -> Vec<String> {
    cfn_guard::commands::validate::parse_rules(text, name)
        .ok()
        .flatten()
        .and_then(|rules| serde_json::to_value(&rules).ok())
        .and_then(|v| {
            v.get("guard_rules")?
                .as_array()?
                .iter()
                .map(|r| r.get("rule_name")?.as_str().map(|n| local_name(n, name)))
                .collect::<Option<Vec<String>>>()
        })
        .unwrap_or_default()
}

/// The payload name cfn-guard gives the one rules file of `validate --payload`.
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

/// Reads the document to evaluate (JSON text) as `validate` reads a data file. An error
/// is what `validate` would stop with.
pub fn load(data: &str) -> Result<Data, String> {
    guarded(|| preparsed::load_data(data, DATA_NAME).map_err(|e| e.to_string()))
}

/// Evaluates a parsed rules file against `data`: cfn-guard's report, as `validate
/// --structured -o json` prints it. `Ok(None)`: the file holds no rules. `Err`: cfn-guard
/// stopped with an error (an unknown variable, a type error, ...), as `validate` would.
pub fn evaluate(entry: &Entry, data: &Data) -> Result<Option<FileReport>, String> {
    let Some(rules) = &entry.rules else {
        return Ok(None);
    };
    let value = guarded(|| preparsed::evaluate(rules, data, DATA_NAME).map_err(|e| e.to_string()))?;
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| format!("unexpected cfn-guard report: {e}"))
}

/// Runs `f`, turning a native panic inside cfn-guard into an error (in WebAssembly a panic
/// aborts and the host reports the trap).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| "cfn-guard panicked while evaluating".to_string())?
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
        let Parsed::Error(e) = &parse("bad.guard", "rule x { Properties.X == }").parsed else {
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
        assert_eq!(
            parse("c.guard", "# only a comment\n\n").parsed,
            Parsed::Empty
        );
        assert_eq!(
            parse(
                "a.guard",
                "rule A { Resources exists }\nrule B { Resources exists }"
            )
            .parsed,
            Parsed::Rules(vec!["A".into(), "B".into()])
        );
        assert_eq!(
            parse("d.guard", "Resources exists\nrule A { Resources exists }").parsed,
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
