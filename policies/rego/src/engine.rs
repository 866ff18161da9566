//! The regorus engine, as this policy uses it: the files of a run parsed once per
//! instance, then evaluated against each template.
//!
//! All files go into one engine, as conftest and OPA load them: a package may span
//! several files, and a file may import helpers from another. A file that does not parse
//! is left out (and reported); the others still load. The rules evaluated are the
//! conftest ones: in each package, `deny`, `violation` and `warn`, alone or with a
//! `_suffix` (`deny_public_bucket`), and `exception` names the rules an input is exempt
//! from.
//!
//! A compiled set is kept per instance ([`compile`] returns the one kept for the same
//! files): the host keeps a warm instance for a whole run, so the files are parsed and
//! the engine prepared once per run, not once per template.

use std::cell::RefCell;
use std::rc::Rc;

use regorus::{Engine, Value};

use crate::settings::{RegoFile, RegoVersion, Settings};

/// At most this many compiled sets are kept per instance (a run uses one; `preflight
/// policy test` may switch between a few on one warm instance).
const CACHE_LIMIT: usize = 8;

/// What a conftest rule's results mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `deny`, `deny_*`: a failure.
    Deny,
    /// `violation`, `violation_*`: a failure whose results are usually objects.
    Violation,
    /// `warn`, `warn_*`: a warning.
    Warn,
}

impl Kind {
    /// The kind of a rule named `name`, if it is a conftest rule: `deny`, `violation` or
    /// `warn`, alone or followed by `_` and a suffix of letters, digits and `_`.
    pub fn of(name: &str) -> Option<Kind> {
        [
            ("deny", Kind::Deny),
            ("violation", Kind::Violation),
            ("warn", Kind::Warn),
        ]
        .into_iter()
        .find_map(|(prefix, kind)| {
            let rest = name.strip_prefix(prefix)?;
            let suffix_ok = rest.is_empty()
                || rest.strip_prefix('_').is_some_and(|s| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            suffix_ok.then_some(kind)
        })
    }

    /// Whether results are warnings rather than failures.
    pub fn is_warning(self) -> bool {
        self == Kind::Warn
    }
}

/// One conftest rule of one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    /// The package, without `data.` (`main`, `aws.s3`).
    pub package: String,
    /// The rule's name (`deny`, `warn_old_runtime`).
    pub name: String,
    /// What its results mean.
    pub kind: Kind,
}

impl RuleRef {
    /// The rule id in findings: `package/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.package, self.name)
    }

    /// The name conftest's `exception` results use for it: the name without its kind
    /// prefix (`deny_public_bucket` → `public_bucket`; a bare `deny` has none).
    pub fn exception_name(&self) -> Option<&str> {
        let (_, rest) = self.name.split_once('_')?;
        Some(rest)
    }
}

/// Where a file failed to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file's name.
    pub file: String,
    /// Line (1-based), when the parser gave one.
    pub line: Option<u32>,
    /// Column (1-based), when the parser gave one.
    pub column: Option<u32>,
    /// What the parser expected or found.
    pub message: String,
}

/// The files of one run, loaded into one engine.
pub struct Compiled {
    /// What it was compiled from (compared on a cache hit).
    files: Vec<RegoFile>,
    version: RegoVersion,
    data: Option<serde_json::Value>,
    /// The engine, prepared on first use and reused for every template.
    engine: RefCell<Engine>,
    /// The files that did not parse, in file order.
    pub errors: Vec<ParseError>,
    /// Every conftest rule, in file order of first declaration.
    pub rules: Vec<RuleRef>,
    /// The packages that declare an `exception` rule.
    pub exceptions: Vec<String>,
    /// Why the data document could not be loaded, if it could not.
    pub data_error: Option<String>,
}

thread_local! {
    static CACHE: RefCell<Vec<Rc<Compiled>>> = const { RefCell::new(Vec::new()) };
}

/// The compiled form of the files in `settings`, parsed now or kept from an earlier call
/// with the same files, dialect and data.
pub fn compile(settings: &Settings) -> Rc<Compiled> {
    let hit = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|k| {
                k.version == settings.rego_version
                    && k.data == settings.data
                    && k.files == settings.files
            })
            .cloned()
    });
    if let Some(hit) = hit {
        return hit;
    }
    let compiled = Rc::new(compile_uncached(settings));
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.remove(0);
        }
        c.push(Rc::clone(&compiled));
    });
    compiled
}

fn compile_uncached(settings: &Settings) -> Compiled {
    let mut engine = Engine::new();
    let data_error = settings.data.as_ref().and_then(|data| {
        engine
            .add_data(Value::from(data.clone()))
            .err()
            .map(|e| flatten(&e.to_string()))
    });
    let mut errors = Vec::new();
    let mut rules: Vec<RuleRef> = Vec::new();
    let mut exceptions: Vec<String> = Vec::new();
    for file in &settings.files {
        let package = match add(&mut engine, file, settings.rego_version) {
            Ok(package) => package,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let package = package
            .strip_prefix("data.")
            .unwrap_or(&package)
            .to_string();
        for name in candidate_rules(&file.text) {
            // The scan only proposes names; the parser says which are rules.
            if !engine
                .has_declared_rule_rooted_at(&file.name, &name)
                .unwrap_or(false)
            {
                continue;
            }
            if name == "exception" {
                if !exceptions.contains(&package) {
                    exceptions.push(package.clone());
                }
            } else if let Some(kind) = Kind::of(&name)
                && !rules.iter().any(|r| r.package == package && r.name == name)
            {
                rules.push(RuleRef {
                    package: package.clone(),
                    name,
                    kind,
                });
            }
        }
    }
    Compiled {
        files: settings.files.clone(),
        version: settings.rego_version,
        data: settings.data.clone(),
        engine: RefCell::new(engine),
        errors,
        rules,
        exceptions,
        data_error,
    }
}

/// Adds one file in the dialect asked for. In `auto`, a file that is not Rego v1 is read
/// as v0; when neither parses, the error reported is the one that got further into the
/// file (the dialect it was written in).
fn add(engine: &mut Engine, file: &RegoFile, version: RegoVersion) -> Result<String, ParseError> {
    let mut attempt = |v0: bool| {
        engine.set_rego_v0(v0);
        engine
            .add_policy(file.name.clone(), file.text.clone())
            .map_err(|e| parse_error(&file.name, &e.to_string()))
    };
    let result = match version {
        RegoVersion::V1 => attempt(false),
        RegoVersion::V0 => attempt(true),
        RegoVersion::Auto => match attempt(false) {
            Ok(package) => Ok(package),
            Err(v1) => match attempt(true) {
                Ok(package) => Ok(package),
                Err(v0) => Err(if (v0.line, v0.column) > (v1.line, v1.column) {
                    v0
                } else {
                    v1
                }),
            },
        },
    };
    engine.set_rego_v0(false);
    result
}

/// Names that may be conftest rules or `exception`: the first identifier of each line
/// (after `default`), which is where a rule head starts.
fn candidate_rules(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("default ").unwrap_or(line).trim_start();
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if (name == "exception" || Kind::of(&name).is_some()) && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

impl Compiled {
    /// Sets the template as `input` for the evaluations that follow.
    pub fn set_input(&self, template: &serde_json::Value) {
        self.engine
            .borrow_mut()
            .set_input(Value::from(template.clone()));
    }

    /// Evaluates `data.<package>.<name>` against the current input: `Ok(None)` when it is
    /// undefined. An error says what stopped it, with the file, line and column.
    pub fn eval(&self, package: &str, name: &str) -> Result<Option<serde_json::Value>, String> {
        let path = format!("data.{package}.{name}");
        let value = self
            .engine
            .borrow_mut()
            .eval_rule(path)
            .map_err(|e| flatten(&e.to_string()))?;
        if value == Value::Undefined {
            return Ok(None);
        }
        serde_json::to_value(&value)
            .map(Some)
            .map_err(|e| format!("the result cannot be read: {e}"))
    }
}

/// Reads a regorus parse error (`--> FILE:LINE:COL`, the source line, a caret, `error:
/// MESSAGE`) into its parts.
fn parse_error(file: &str, raw: &str) -> ParseError {
    let (line, column) = position(raw).unwrap_or((None, None));
    ParseError {
        file: file.to_string(),
        line,
        column,
        message: message(raw),
    }
}

fn position(raw: &str) -> Option<(Option<u32>, Option<u32>)> {
    let at = raw.find("--> ")? + 4;
    let location = raw[at..].lines().next()?;
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok();
    let line = parts.next()?.trim().parse().ok();
    Some((line, column))
}

fn message(raw: &str) -> String {
    match raw.rfind("error: ") {
        Some(at) => raw[at + 7..].trim().to_string(),
        None => raw.trim().to_string(),
    }
}

/// A regorus error on one line: `FILE:LINE:COL: MESSAGE` when it points into a file.
pub fn flatten(raw: &str) -> String {
    let text = message(raw);
    match raw.find("--> ").and_then(|at| raw[at + 4..].lines().next()) {
        Some(location) => format!("{}: {text}", location.trim()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conftest_rule_names() {
        for (name, kind) in [
            ("deny", Some(Kind::Deny)),
            ("deny_public", Some(Kind::Deny)),
            ("deny_a_b2", Some(Kind::Deny)),
            ("violation", Some(Kind::Violation)),
            ("warn_x", Some(Kind::Warn)),
            ("denyx", None),
            ("deny_", None),
            ("allow", None),
            ("exception", None),
        ] {
            assert_eq!(Kind::of(name), kind, "{name}");
        }
    }

    #[test]
    fn candidates_are_line_leading_names() {
        let text = "package main\ndeny contains m if { true }\n  warn_x[m] { true }\n\
                    default violation := []\nx := deny\nexception contains r if { r := \"a\" }\n";
        assert_eq!(
            candidate_rules(text),
            vec!["deny", "warn_x", "violation", "exception"]
        );
    }

    #[test]
    fn parse_errors_keep_line_and_column() {
        let e = parse_error(
            "s3",
            "\n--> s3:2:24\n  |\n2 | deny contains x if { x := \n  |   ^\nerror: expecting `}` while parsing set",
        );
        assert_eq!((e.line, e.column), (Some(2), Some(24)));
        assert_eq!(e.message, "expecting `}` while parsing set");
        assert_eq!(
            flatten("\n--> f:4:1\n  |\n4 | x\n  | ^\nerror: rule conflicts"),
            "f:4:1: rule conflicts"
        );
        assert_eq!(flatten("plain"), "plain");
    }

    #[test]
    fn exception_names() {
        let rule = |name: &str| RuleRef {
            package: "main".into(),
            name: name.into(),
            kind: Kind::Deny,
        };
        assert_eq!(rule("deny_public").exception_name(), Some("public"));
        assert_eq!(rule("deny").exception_name(), None);
    }
}
