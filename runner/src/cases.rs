//! `preflight policy test` for any policy (a component in any language, a configured
//! policy, or Rego files through the built-in `rego` policy): YAML test cases, each
//! evaluated in the sandbox as `check` evaluates a template.
//!
//! A test file is a YAML (or JSON) list of cases:
//!
//! ```yaml
//! - name: a suspended bucket and a bucket without versioning fail
//!   template: fixtures/buckets.yaml          # a path, relative to this file
//!   findings:                                # exactly these findings, in any order
//!     - { rule: AR001, line: 11 }
//!     - { rule: AR001, line: 12, resource: Plain }
//! - name: a versioned bucket passes
//!   template:                                # or the template itself
//!     Resources:
//!       Versioned:
//!         Type: AWS::S3::Bucket
//!         Properties: { VersioningConfiguration: { Status: Enabled } }
//!   settings: { strict: true }               # optional, merged over the policy's
//!   rules:
//!     AR001: pass                            # pass, fail or skip (any case)
//! ```
//!
//! An expected finding names its `rule` and may give `line`, `column`, `resource`,
//! `severity` and `message` (a substring); each must match a distinct finding, and with
//! `findings` given no other finding may appear. Lines of an inline template are lines of
//! the test file. A rule not in `rules` is not checked. A case that cannot be evaluated
//! (a template that does not load, a policy error) is an error.
//!
//! Exit codes as in the Guard mode: 0 when every case passes, 1 when an expectation is
//! not met, 2 when a file cannot be read or a case cannot be evaluated.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use preflight_policy::{Finding, Severity, Status};
use preflight_template::{Limits, Template};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::load::policies::ActivePolicy;
use crate::sandbox::EvalInput;
use crate::style::{BOLD, DIM, GREEN, RED, RESET};

/// The extensions of test files in a directory.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// One expected finding.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// Rule id.
    pub rule: String,
    /// Line (1-based) where the finding is located.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Logical id of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Text the message contains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One case as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: Option<String>,
    template: Value,
    #[serde(default)]
    settings: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    findings: Option<Vec<Expected>>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

/// A finding as the policy reported it, located.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actual {
    /// Rule id.
    pub rule: String,
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// Logical id, when the policy gave one.
    pub resource: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// Message.
    pub message: String,
}

/// Whether a case met its expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every expectation was met.
    Pass,
    /// An expectation was not met.
    Fail,
    /// The case could not be evaluated.
    Error,
}

/// One rule's expected and actual status.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCheck {
    /// Rule id.
    pub rule: String,
    /// As written in the case.
    pub expected: String,
    /// As reported (skip when the policy did not report the rule).
    pub actual: Status,
    /// Whether they agree.
    pub ok: bool,
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// 1-based, within its file.
    pub number: usize,
    /// Its name, when it has one.
    pub name: Option<String>,
    /// pass, fail or error.
    pub outcome: Outcome,
    /// Expected findings that no finding matched.
    pub missing: Vec<Expected>,
    /// Findings no expectation matched (only checked when `findings` is given).
    pub unexpected: Vec<Actual>,
    /// Expected findings that matched.
    pub matched: usize,
    /// Rule statuses checked.
    pub rules: Vec<RuleCheck>,
    /// Why the case could not be evaluated.
    pub error: Option<String>,
}

/// One test file's results.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// The test file.
    pub file: String,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
    /// Its cases.
    pub cases: Vec<CaseResult>,
}

/// Counts over a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Test files.
    pub files: usize,
    /// Cases.
    pub cases: usize,
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases (and files) that could not be evaluated (read).
    pub errors: usize,
}

/// A whole `policy test` run over one policy.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    /// The policy under test (its id).
    pub policy: String,
    /// Each test file.
    pub files: Vec<FileResult>,
    /// Counts.
    pub summary: Summary,
}

impl TestRun {
    /// 0 when every case passed, 1 when one failed, 2 on any error.
    pub fn exit_code(&self) -> i32 {
        if self.summary.errors > 0 {
            2
        } else if self.summary.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// The test files under `paths` (each file given, each directory walked for `.yaml`,
/// `.yml` and `.json`), sorted per directory. An error names a path that does not exist.
pub fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .map(walkdir::DirEntry::into_path)
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| EXTENSIONS.contains(&e))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(format!(
                "{}: no such test file or directory",
                path.display()
            ));
        }
    }
    Ok(out)
}

/// Runs every case of `files` against `policy`, cases in parallel.
pub fn run(files: &[PathBuf], policy: &ActivePolicy) -> TestRun {
    let results: Vec<FileResult> = files.iter().map(|f| run_file(f, policy)).collect();
    let mut summary = Summary {
        files: results.len(),
        ..Summary::default()
    };
    for file in &results {
        if file.error.is_some() {
            summary.errors += 1;
        }
        for case in &file.cases {
            summary.cases += 1;
            match case.outcome {
                Outcome::Pass => summary.passed += 1,
                Outcome::Fail => summary.failed += 1,
                Outcome::Error => summary.errors += 1,
            }
        }
    }
    TestRun {
        policy: policy.id().to_string(),
        files: results,
        summary,
    }
}

fn run_file(path: &Path, policy: &ActivePolicy) -> FileResult {
    let file = path.display().to_string();
    let fail = |error: String| FileResult {
        file: file.clone(),
        error: Some(error),
        cases: Vec::new(),
    };
    let doc = match Template::load(path, &Limits::default()) {
        Ok(doc) => doc,
        Err(e) => return fail(e.to_string()),
    };
    let Some(items) = doc.value().as_array() else {
        return fail(format!("{file}: a test file is a list of cases"));
    };
    let base = path.parent().unwrap_or(Path::new(""));
    let cases: Vec<CaseResult> = items
        .par_iter()
        .enumerate()
        .map(|(i, item)| run_case(i, item, &doc, base, policy))
        .collect();
    FileResult {
        file,
        error: None,
        cases,
    }
}

fn run_case(
    index: usize,
    item: &Value,
    doc: &Template,
    base: &Path,
    policy: &ActivePolicy,
) -> CaseResult {
    let mut result = CaseResult {
        number: index + 1,
        name: item.get("name").and_then(Value::as_str).map(str::to_string),
        outcome: Outcome::Error,
        missing: Vec::new(),
        unexpected: Vec::new(),
        matched: 0,
        rules: Vec::new(),
        error: None,
    };
    let spec: Spec = match serde_json::from_value(item.clone()) {
        Ok(spec) => spec,
        Err(e) => {
            result.error = Some(format!("case {}: {e}", index + 1));
            return result;
        }
    };
    result.name = spec.name.clone();
    // The template, and how to turn its pointers into locations.
    let loaded;
    let (json, prefix, located_in): (String, String, &Template) = match &spec.template {
        Value::String(relative) => {
            let path = base.join(relative);
            loaded = match Template::load(&path, &Limits::default()) {
                Ok(t) => t,
                Err(e) => {
                    result.error = Some(e.to_string());
                    return result;
                }
            };
            (loaded.to_json(), String::new(), &loaded)
        }
        Value::Object(_) => (spec.template.to_string(), format!("/{index}/template"), doc),
        _ => {
            result.error = Some("`template` is a path or a mapping".to_string());
            return result;
        }
    };
    let settings = match &spec.settings {
        None => policy.settings.clone(),
        Some(extra) => {
            let mut merged: serde_json::Map<String, Value> =
                serde_json::from_str(&policy.settings).unwrap_or_default();
            merged.extend(extra.clone());
            Value::Object(merged).to_string()
        }
    };
    let Ok(loaded_policy) = &policy.loaded else {
        result.error = policy.loaded.as_ref().err().map(|e| e.to_string());
        return result;
    };
    let report = match loaded_policy.evaluate(&EvalInput {
        template: &json,
        baseline: None,
        path: located_in.name(),
        settings: &settings,
    }) {
        Ok(report) => report,
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    };
    let actual: Vec<Actual> = report
        .findings
        .iter()
        .map(|f| locate(f, &prefix, located_in))
        .collect();
    // An expectation about a rule the policy does not have would pass for ever (a
    // rule it never reports is `skip`, and no finding of it is "none expected").
    let mut known: Vec<&str> = loaded_policy
        .meta()
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .chain(report.rules.iter().map(|r| r.rule.as_str()))
        .chain(report.findings.iter().map(|f| f.rule.as_str()))
        .collect();
    known.sort_unstable();
    known.dedup();
    let named = spec
        .rules
        .keys()
        .chain(spec.findings.iter().flatten().map(|e| &e.rule));
    let unknown: Vec<&String> = named.filter(|r| !known.contains(&r.as_str())).collect();
    if !known.is_empty()
        && let Some(rule) = unknown.first()
    {
        let hint = known
            .iter()
            .map(|k| (strsim::jaro_winkler(k, rule), *k))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        let shown = if known.len() > 12 {
            format!("{}, ... ({} in all)", known[..12].join(", "), known.len())
        } else {
            known.join(", ")
        };
        result.outcome = Outcome::Fail;
        result.error = Some(format!(
            "rule {rule} is not a rule of policy `{}` (its rules: {shown}){hint}",
            loaded_policy.meta().id,
        ));
        return result;
    }
    let mut failed = false;
    if let Some(expected) = &spec.findings {
        let mut unused: Vec<bool> = vec![true; actual.len()];
        for e in expected {
            let hit = actual
                .iter()
                .enumerate()
                .find(|(i, a)| unused[*i] && matches(e, a));
            match hit {
                Some((i, _)) => {
                    unused[i] = false;
                    result.matched += 1;
                }
                None => result.missing.push(e.clone()),
            }
        }
        result.unexpected = actual
            .iter()
            .zip(&unused)
            .filter(|(_, u)| **u)
            .map(|(a, _)| a.clone())
            .collect();
        failed |= !result.missing.is_empty() || !result.unexpected.is_empty();
    }
    for (rule, expected) in &spec.rules {
        let actual_status = report
            .rules
            .iter()
            .find(|r| &r.rule == rule)
            .map(|r| r.status)
            .unwrap_or(Status::Skip);
        let Some(wanted) = parse_status(expected) else {
            result.error = Some(format!(
                "rule {rule}: expected `{expected}` is not pass, fail or skip"
            ));
            return result;
        };
        let ok = wanted == actual_status;
        failed |= !ok;
        result.rules.push(RuleCheck {
            rule: rule.clone(),
            expected: expected.clone(),
            actual: actual_status,
            ok,
        });
    }
    result.outcome = if failed { Outcome::Fail } else { Outcome::Pass };
    result
}

fn parse_status(text: &str) -> Option<Status> {
    match text.to_ascii_lowercase().as_str() {
        "pass" => Some(Status::Pass),
        "fail" => Some(Status::Fail),
        "skip" => Some(Status::Skip),
        _ => None,
    }
}

fn locate(f: &Finding, prefix: &str, template: &Template) -> Actual {
    let (mut at, _) = template.locate_nearest(&format!("{prefix}{}", f.pointer));
    if let Some(narrowed) = f.highlight.as_deref().and_then(|h| template.narrow(at, h)) {
        at = narrowed;
    }
    Actual {
        rule: f.rule.clone(),
        line: at.line,
        column: at.column,
        resource: f.resource.clone(),
        severity: f.severity,
        message: f.message.clone(),
    }
}

fn matches(e: &Expected, a: &Actual) -> bool {
    e.rule == a.rule
        && e.line.is_none_or(|l| l == a.line)
        && e.column.is_none_or(|c| c == a.column)
        && e.resource
            .as_ref()
            .is_none_or(|r| Some(r) == a.resource.as_ref())
        && e.severity.is_none_or(|s| s == a.severity)
        && e.message
            .as_ref()
            .is_none_or(|m| a.message.contains(m.as_str()))
}

fn describe(e: &Expected) -> String {
    let mut out = e.rule.clone();
    if let Some(l) = e.line {
        out.push_str(&format!(" line {l}"));
    }
    if let Some(c) = e.column {
        out.push_str(&format!(" column {c}"));
    }
    if let Some(r) = &e.resource {
        out.push_str(&format!(" [{r}]"));
    }
    if let Some(s) = e.severity {
        out.push_str(&format!(" {s}"));
    }
    if let Some(m) = &e.message {
        out.push_str(&format!(" {m:?}"));
    }
    out
}

/// Writes the run for a person: each file, each case with what did not match, and a
/// summary line.
pub fn write_human(run: &TestRun, out: &mut dyn Write) -> std::io::Result<()> {
    for file in &run.files {
        writeln!(out, "{BOLD}{}{RESET} ({})", file.file, run.policy)?;
        if let Some(error) = &file.error {
            writeln!(out, "  {RED}ERROR{RESET} {error}")?;
        }
        for case in &file.cases {
            let label = match case.outcome {
                Outcome::Pass => format!("{GREEN}PASS{RESET}"),
                Outcome::Fail => format!("{RED}FAIL{RESET}"),
                Outcome::Error => format!("{RED}ERROR{RESET}"),
            };
            let name = case.name.as_deref().unwrap_or("(unnamed)");
            writeln!(out, "  {label:<5} #{} {name}", case.number)?;
            if let Some(error) = &case.error {
                writeln!(out, "        {RED}{error}{RESET}")?;
            }
            if case.matched > 0 {
                writeln!(
                    out,
                    "        {DIM}{} expected finding{} found{RESET}",
                    case.matched,
                    if case.matched == 1 { "" } else { "s" }
                )?;
            }
            for e in &case.missing {
                writeln!(out, "        {RED}missing: {}{RESET}", describe(e))?;
            }
            for a in &case.unexpected {
                writeln!(
                    out,
                    "        {RED}unexpected: {} line {} column {} [{}] {}{RESET}",
                    a.rule,
                    a.line,
                    a.column,
                    a.resource.as_deref().unwrap_or("-"),
                    a.message
                )?;
            }
            for r in &case.rules {
                let line = format!("expected {}, got {}", r.expected.to_lowercase(), r.actual);
                if r.ok {
                    writeln!(out, "        {}  {line}", r.rule)?;
                } else {
                    writeln!(out, "        {}  {RED}{line}{RESET}", r.rule)?;
                }
            }
        }
        writeln!(out)?;
    }
    let s = &run.summary;
    let verdict = match run.exit_code() {
        0 => format!("{GREEN}ok{RESET}"),
        1 => format!("{RED}FAILED{RESET}"),
        _ => format!("{RED}ERRORS{RESET}"),
    };
    writeln!(
        out,
        "{verdict}: {} test file{}, {} case{}: {} passed, {} failed, {} error{}",
        s.files,
        if s.files == 1 { "" } else { "s" },
        s.cases,
        if s.cases == 1 { "" } else { "s" },
        s.passed,
        s.failed,
        s.errors,
        if s.errors == 1 { "" } else { "s" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actual(rule: &str, line: usize) -> Actual {
        Actual {
            rule: rule.into(),
            line,
            column: 3,
            resource: Some("B".into()),
            severity: Severity::Medium,
            message: "bucket `B` is not versioned".into(),
        }
    }

    #[test]
    fn expectations_match_on_what_they_give() {
        let e = |yaml: &str| -> Expected { serde_json::from_str(yaml).unwrap() };
        assert!(matches(&e(r#"{"rule": "R"}"#), &actual("R", 4)));
        assert!(matches(
            &e(r#"{"rule": "R", "line": 4, "column": 3}"#),
            &actual("R", 4)
        ));
        assert!(!matches(&e(r#"{"rule": "R", "line": 5}"#), &actual("R", 4)));
        assert!(matches(
            &e(
                r#"{"rule": "R", "resource": "B", "severity": "medium", "message": "not versioned"}"#
            ),
            &actual("R", 4)
        ));
        assert!(!matches(
            &e(r#"{"rule": "R", "severity": "high"}"#),
            &actual("R", 4)
        ));
        assert!(!matches(&e(r#"{"rule": "S"}"#), &actual("R", 4)));
        assert!(serde_json::from_str::<Expected>(r#"{"rule": "R", "lines": 1}"#).is_err());
        assert_eq!(parse_status("PASS"), Some(Status::Pass));
        assert_eq!(parse_status("ok"), None);
    }
}
