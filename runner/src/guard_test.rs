//! `preflight policy test`: Guard rule unit tests in `cfn-guard test`'s own format, run
//! through the sandboxed `guard` policy.
//!
//! A test file is a YAML (or JSON) list of cases:
//!
//! ```yaml
//! - name: a bucket without versioning
//!   input:
//!     Resources:
//!       B: { Type: AWS::S3::Bucket }
//!   expectations:
//!     rules:
//!       S3_BUCKET_VERSIONING_ENABLED: FAIL
//! ```
//!
//! The semantics are cfn-guard 3.2.1's (`cfn-guard test`), case by case:
//!
//! - Test files are read as cfn-guard reads them (serde_yaml, then JSON), so the same
//!   files are accepted and rejected, and `input` becomes the same document: a short-form
//!   tag such as `!GetAtt A.B` becomes `{"Fn::GetAtt": "A.B"}` (not split, as cfn-guard's
//!   test command does not split it), an unknown tag is dropped. A case needs `input` and
//!   `expectations.rules`; `name` is optional; `input` may be empty (null).
//! - Every rule of the file that was evaluated at top level is compared with its
//!   expectation: `PASS` matches when the rule passed (once, if several rules share the
//!   name), `FAIL` when it failed, `SKIP` when every rule of that name was skipped. A rule
//!   without an expectation is listed but not checked; an expectation naming no evaluated
//!   rule is reported as not checked and does not fail the case (cfn-guard prints a note
//!   on stderr). The rule made of a file's top-level clauses is `<rules path>/default`
//!   (`<file stem>/default` in directory mode), as cfn-guard names it.
//! - A rules file that holds only comments runs no cases and passes; one that does not
//!   parse is an error, as is a test file that cannot be read.
//! - Each rules file is evaluated on its own: rules in other files are not visible.
//!
//! Beyond cfn-guard: every case runs (cfn-guard stops the whole run at the first case
//! whose evaluation errors, or whose expectation is not one of PASS, FAIL, SKIP); such a
//! case is an error, and a rule that loops is stopped by the sandbox's limits. Cases run
//! in parallel on warm instances of the one `guard` component.
//!
//! Directory mode pairs files as `cfn-guard test -d DIR` does: a test file
//! (`.yaml`, `.yml`, `.json`, `.jsn`) in a directory named `tests` belongs to a rules
//! file (`.guard` or `.ruleset`) of the directory above whose stem begins its name, so
//! `x.guard` takes `tests/x_tests.yaml`. Where several stems begin it, the longest wins
//! (cfn-guard takes the first by file name, so `x.guard` would also take
//! `tests/x_more_tests.yaml`, meant for `x_more.guard`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use preflight_policy::{Report, Status};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value as Json};

use crate::engine::{EvalInput, LoadedPolicy};

/// Largest test file read, in bytes.
const MAX_TEST_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One rules file and its test files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// The rules file.
    pub rules: PathBuf,
    /// Its test files, in the order their cases run.
    pub tests: Vec<PathBuf>,
    /// What cfn-guard calls the rules file when naming its top-level clauses' rule
    /// (`<prefix>/default`): the path as given, or the file stem in directory mode.
    pub prefix: String,
}

/// Why tests could not be planned (a usage or input error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

/// The suite of `-r RULES -t TESTS`: one rules file, and a test file or every test file
/// (`.json`, `.yaml`, `.yml`, `.jsn`, `.JSON`, `.YAML`) under a directory, sorted.
pub fn single(rules: &Path, tests: &Path) -> Result<Suite, PlanError> {
    if !rules.exists() {
        return Err(PlanError(format!(
            "{}: no such rules file",
            rules.display()
        )));
    }
    if !rules.is_file() {
        return Err(PlanError(format!(
            "{}: is not a file (give a directory with --dir)",
            rules.display()
        )));
    }
    if !tests.exists() {
        return Err(PlanError(format!(
            "{}: no such test file or directory",
            tests.display()
        )));
    }
    let is_test = |name: &str| {
        [".json", ".yaml", ".JSON", ".YAML", ".yml", ".jsn"]
            .iter()
            .any(|ext| name.ends_with(ext))
    };
    // As cfn-guard: the filter applies to the path given too, so a file with another
    // extension has no cases.
    let files = walkdir::WalkDir::new(tests)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.path().is_dir() || e.file_name().to_str().is_some_and(is_test))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    Ok(Suite {
        rules: rules.to_path_buf(),
        tests: files,
        prefix: rules.to_string_lossy().into_owned(),
    })
}

/// The suites of `--dir DIR`, paired as `cfn-guard test -d DIR` pairs them; rules files
/// without tests are included with no test files.
pub fn directory(dir: &Path) -> Result<Vec<Suite>, PlanError> {
    if !dir.is_dir() {
        return Err(PlanError(format!("{}: no such directory", dir.display())));
    }
    let mut by_dir: BTreeMap<String, Vec<Suite>> = BTreeMap::new();
    let mut others = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let stem = name
            .strip_suffix(".guard")
            .or_else(|| name.strip_suffix(".ruleset"));
        match stem {
            Some(stem) => {
                let parent = path.parent().map(|p| p.display().to_string());
                by_dir
                    .entry(parent.unwrap_or_default())
                    .or_default()
                    .push(Suite {
                        rules: path.to_path_buf(),
                        tests: Vec::new(),
                        prefix: stem.to_string(),
                    });
            }
            None => others.push((name, path.to_path_buf())),
        }
    }
    for (name, path) in others {
        if ![".yaml", ".yml", ".json", ".jsn"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            continue;
        }
        let Some(parent) = path.parent() else {
            continue;
        };
        if !parent.ends_with("tests") {
            continue;
        }
        let Some(grand) = parent.parent() else {
            continue;
        };
        if let Some(candidates) = by_dir.get_mut(&grand.display().to_string())
            && let Some(suite) = candidates
                .iter_mut()
                .rev() // on a tie, the first by file name
                .filter(|s| name.starts_with(&s.prefix))
                .max_by_key(|s| s.prefix.len())
        {
            suite.tests.push(path);
        }
    }
    Ok(by_dir.into_values().flatten().collect())
}

/// A rule's status as Guard names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum GuardStatus {
    /// The rule passed.
    Pass,
    /// The rule failed.
    Fail,
    /// The rule did not apply.
    Skip,
}

impl GuardStatus {
    fn parse(text: &str) -> Option<GuardStatus> {
        match text {
            "PASS" => Some(GuardStatus::Pass),
            "FAIL" => Some(GuardStatus::Fail),
            "SKIP" => Some(GuardStatus::Skip),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            GuardStatus::Pass => "PASS",
            GuardStatus::Fail => "FAIL",
            GuardStatus::Skip => "SKIP",
        }
    }
}

impl From<Status> for GuardStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Pass => GuardStatus::Pass,
            Status::Fail => GuardStatus::Fail,
            Status::Skip => GuardStatus::Skip,
        }
    }
}

/// Whether a rule's statuses meet an expectation, as `cfn-guard test` decides: PASS or
/// FAIL when any rule of that name had it, SKIP when every one was skipped.
pub fn meets(expected: GuardStatus, actual: &BTreeSet<GuardStatus>) -> bool {
    match expected {
        GuardStatus::Skip => actual.iter().all(|s| *s == GuardStatus::Skip),
        other => actual.contains(&other),
    }
}

/// The outcome of a case, a suite or a rule check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every expectation was met.
    Pass,
    /// An expectation was not met.
    Fail,
    /// The case (or file) could not be evaluated.
    Error,
    /// A rule with no expectation (listed, not checked).
    NoExpectation,
    /// Nothing to run: no test files, or a rules file with no rules.
    Skipped,
}

/// One rule of one case.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCheck {
    /// The rule's name, as in expectations.
    pub rule: String,
    /// The expected status, when the case names the rule.
    pub expected: Option<GuardStatus>,
    /// An expectation that is not PASS, FAIL or SKIP (the case is then an error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_expectation: Option<String>,
    /// Its statuses (several when rules share the name).
    pub actual: Vec<GuardStatus>,
    /// pass, fail or no-expectation.
    pub outcome: Outcome,
}

/// One test case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// 1-based, counted over the suite's test files, as cfn-guard counts.
    pub number: usize,
    /// The case's name, when it has one.
    pub name: Option<String>,
    /// The test file it comes from.
    pub file: String,
    /// pass, fail or error.
    pub outcome: Outcome,
    /// Every rule evaluated, by name.
    pub rules: Vec<RuleCheck>,
    /// Expectations naming no evaluated rule (not checked).
    pub unchecked: Vec<String>,
    /// Why the case could not be evaluated.
    pub error: Option<String>,
}

/// A test file that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    /// The test file.
    pub file: String,
    /// Why.
    pub error: String,
}

/// One rules file's results.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteResult {
    /// The rules file.
    pub rules: String,
    /// Its test files.
    pub tests: Vec<String>,
    /// pass, fail, error, or skipped (no tests, or no rules in the file).
    pub outcome: Outcome,
    /// Why the rules file could not be used, or why nothing ran.
    pub message: Option<String>,
    /// Test files that could not be read.
    pub file_errors: Vec<FileError>,
    /// The cases, in order.
    pub cases: Vec<CaseResult>,
}

/// Counts over a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Rules files tested.
    pub rule_files: usize,
    /// Cases run.
    pub cases: usize,
    /// Cases whose expectations were all met.
    pub passed: usize,
    /// Cases with an expectation not met.
    pub failed: usize,
    /// Cases, test files and rules files that could not be evaluated.
    pub errors: usize,
}

/// A whole `policy test` run.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    /// Per rules file.
    pub suites: Vec<SuiteResult>,
    /// Counts.
    pub summary: Summary,
}

impl TestRun {
    /// 0 when every expectation was met, 1 when one was not, 2 when anything could not
    /// be evaluated.
    pub fn exit_code(&self) -> u8 {
        if self.summary.errors > 0 {
            2
        } else if self.summary.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// A test case as cfn-guard's test command reads it.
#[derive(Debug, Deserialize)]
struct TestSpec {
    name: Option<String>,
    input: serde_yaml::Value,
    expectations: TestExpectations,
}

#[derive(Debug, Deserialize)]
struct TestExpectations {
    rules: HashMap<String, String>,
}

/// A case ready to evaluate.
struct Case {
    name: Option<String>,
    file: String,
    /// The input as JSON text, or why it cannot be evaluated.
    input: Result<String, String>,
    expectations: HashMap<String, String>,
}

/// One evaluation's report, or why there is none.
type Evaluation = Result<Report, String>;

/// A suite with its files read.
struct Prepared {
    suite: Suite,
    /// The rules file's name inside the policy (its ids are `<name>/<RULE>`).
    name: String,
    settings: Result<String, String>,
    cases: Vec<Case>,
    file_errors: Vec<FileError>,
}

/// Runs the suites with `guard` (the loaded `guard` policy), cases in parallel.
pub fn run(suites: &[Suite], guard: &LoadedPolicy) -> TestRun {
    let prepared: Vec<Prepared> = suites.par_iter().map(prepare).collect();
    // One job per suite to learn whether its rules parse, then one per case.
    let mut jobs: Vec<(usize, Option<usize>)> = Vec::new();
    for (s, p) in prepared.iter().enumerate() {
        if p.settings.is_ok() && !p.cases.is_empty() {
            jobs.push((s, None));
            jobs.extend((0..p.cases.len()).map(|c| (s, Some(c))));
        }
    }
    let results: Vec<Evaluation> = jobs
        .par_iter()
        .map(|&(s, c)| {
            let p = &prepared[s];
            let Ok(settings) = &p.settings else {
                return Err("unreachable: no settings".to_string());
            };
            let (input, path) = match c {
                None => ("{}", p.suite.rules.display().to_string()),
                Some(c) => match &p.cases[c].input {
                    Ok(input) => (input.as_str(), p.cases[c].file.clone()),
                    Err(e) => return Err(e.clone()),
                },
            };
            guard
                .evaluate(&EvalInput {
                    template: input,
                    baseline: None,
                    path: &path,
                    settings,
                })
                .map_err(|e| e.to_string())
        })
        .collect();
    let mut by_suite: Vec<(Option<Evaluation>, Vec<Option<Evaluation>>)> = prepared
        .iter()
        .map(|p| (None, p.cases.iter().map(|_| None).collect()))
        .collect();
    for ((s, c), result) in jobs.into_iter().zip(results) {
        match c {
            None => by_suite[s].0 = Some(result),
            Some(c) => by_suite[s].1[c] = Some(result),
        }
    }

    let mut summary = Summary::default();
    let mut out = Vec::new();
    for (p, (probe, results)) in prepared.into_iter().zip(by_suite) {
        let suite = assemble(p, probe, results);
        summary.rule_files += 1;
        if suite.outcome == Outcome::Error && suite.message.is_some() {
            // The rules file itself could not be used.
            summary.errors += 1;
        }
        summary.errors += suite.file_errors.len();
        for case in &suite.cases {
            summary.cases += 1;
            match case.outcome {
                Outcome::Pass => summary.passed += 1,
                Outcome::Fail => summary.failed += 1,
                _ => summary.errors += 1,
            }
        }
        out.push(suite);
    }
    TestRun {
        suites: out,
        summary,
    }
}

/// Reads a suite's rules file and test files.
fn prepare(suite: &Suite) -> Prepared {
    let name = suite
        .rules
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rules".to_string());
    let settings = std::fs::read_to_string(&suite.rules)
        .map_err(|e| format!("cannot read {}: {e}", suite.rules.display()))
        .map(|text| {
            serde_json::json!({
                "rules": [{"name": name, "text": text}],
                "every_status": true,
            })
            .to_string()
        });
    let mut cases = Vec::new();
    let mut file_errors = Vec::new();
    for file in &suite.tests {
        match read_specs(file) {
            Ok(specs) => cases.extend(specs.into_iter().map(|spec| Case {
                name: spec.name,
                file: file.display().to_string(),
                input: input_json(&spec.input).map(|v| v.to_string()),
                expectations: spec.expectations.rules,
            })),
            Err(error) => file_errors.push(FileError {
                file: file.display().to_string(),
                error,
            }),
        }
    }
    Prepared {
        suite: suite.clone(),
        name,
        settings,
        cases,
        file_errors,
    }
}

/// Reads a test file as cfn-guard does: YAML first, then JSON.
fn read_specs(path: &Path) -> Result<Vec<TestSpec>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read it: {e}"))?
        .len();
    if size > MAX_TEST_FILE_BYTES {
        return Err(format!(
            "it is {size} bytes, over the limit of {MAX_TEST_FILE_BYTES}"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    match serde_yaml::from_str::<Vec<TestSpec>>(&text) {
        Ok(specs) => Ok(specs),
        Err(yaml) => serde_json::from_str::<Vec<TestSpec>>(&text).map_err(|json| {
            if text.trim_start().starts_with(['[', '{']) {
                format!("not a list of test cases: {json} (as YAML: {yaml})")
            } else {
                format!("not a list of test cases: {yaml}")
            }
        }),
    }
}

/// Tags whose value cfn-guard wraps in their long form (`!Ref X` → `{"Ref": "X"}`).
fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "GetAtt" => "Fn::GetAtt",
        "Base64" => "Fn::Base64",
        "Sub" => "Fn::Sub",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "Condition" => "Condition",
        "RefAll" => "Fn::RefAll",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "Join" => "Fn::Join",
        "FindInMap" => "Fn::FindInMap",
        "And" => "Fn::And",
        "Equals" => "Fn::Equals",
        "Contains" => "Fn::Contains",
        "EachMemberIn" => "Fn::EachMemberIn",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "ValueOf" => "Fn::ValueOf",
        "If" => "Fn::If",
        "Not" => "Fn::Not",
        "Or" => "Fn::Or",
        _ => return None,
    })
}

/// A case's input as the JSON document cfn-guard's test command evaluates: its YAML to
/// Guard value conversion (64-bit unsigned integers wrap as cfn-guard wraps them, a
/// short-form tag becomes its long form, any other tag is dropped, keys must be
/// strings).
pub fn input_json(value: &serde_yaml::Value) -> Result<Json, String> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Json::Null,
        Y::Bool(b) => Json::Bool(*b),
        Y::String(s) => Json::String(s.clone()),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                // cfn-guard: `as_u64() as i64`.
                Json::from(u as i64)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Json::Number(Number::from_f64(f).ok_or_else(|| {
                    format!("the input holds the number {f}, which cannot be passed as JSON")
                })?)
            }
        }
        Y::Sequence(items) => Json::Array(items.iter().map(input_json).collect::<Result<_, _>>()?),
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let Y::String(key) = k else {
                    return Err(format!(
                        "the input has a mapping key that is not a string ({})",
                        yaml_kind(k)
                    ));
                };
                out.insert(key.clone(), input_json(v)?);
            }
            Json::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let inner = input_json(&tagged.value)?;
            match tag.matches('!').count() {
                1 => match long_form(tag.trim_start_matches('!')) {
                    Some(long) => {
                        let mut map = Map::new();
                        map.insert(long.to_string(), inner);
                        Json::Object(map)
                    }
                    None => inner,
                },
                _ => inner,
            }
        }
    })
}

fn yaml_kind(v: &serde_yaml::Value) -> &'static str {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => "null",
        Y::Bool(_) => "a boolean",
        Y::Number(_) => "a number",
        Y::String(_) => "a string",
        Y::Sequence(_) => "a list",
        Y::Mapping(_) => "a mapping",
        Y::Tagged(_) => "a tagged value",
    }
}

/// What one evaluation said: each evaluated rule's statuses by cfn-guard name, or why
/// the file could not be evaluated.
enum Evaluated {
    Rules(BTreeMap<String, BTreeSet<GuardStatus>>),
    ParseError(String),
    Error(String),
}

fn read_report(report: &Report, name: &str, prefix: &str) -> Evaluated {
    let own = format!("{name}/");
    let message = |rule: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.message.clone())
            .unwrap_or_else(|| rule.to_string())
    };
    let mut rules: BTreeMap<String, BTreeSet<GuardStatus>> = BTreeMap::new();
    for status in &report.rules {
        let local = status.rule.strip_prefix(&own).unwrap_or(&status.rule);
        match local {
            "parse-error" => return Evaluated::ParseError(message(&status.rule)),
            "eval-error" => return Evaluated::Error(message(&status.rule)),
            _ => {}
        }
        let name = if local == "default" {
            format!("{prefix}/default")
        } else {
            local.to_string()
        };
        rules.entry(name).or_default().insert(status.status.into());
    }
    Evaluated::Rules(rules)
}

/// Puts a suite's results together.
fn assemble(
    p: Prepared,
    probe: Option<Evaluation>,
    results: Vec<Option<Evaluation>>,
) -> SuiteResult {
    let mut suite = SuiteResult {
        rules: p.suite.rules.display().to_string(),
        tests: p
            .suite
            .tests
            .iter()
            .map(|t| t.display().to_string())
            .collect(),
        outcome: Outcome::Pass,
        message: None,
        file_errors: p.file_errors,
        cases: Vec::new(),
    };
    if let Err(e) = p.settings {
        suite.outcome = Outcome::Error;
        suite.message = Some(e);
        return suite;
    }
    if p.suite.tests.is_empty() {
        suite.outcome = Outcome::Skipped;
        suite.message = Some("no test files".to_string());
        return suite;
    }
    let read = |r: &Report| read_report(r, &p.name, &p.suite.prefix);
    match probe.as_ref().map(|r| r.as_ref().map(|r| (r, read(r)))) {
        Some(Ok((_, Evaluated::ParseError(e)))) => {
            suite.outcome = Outcome::Error;
            suite.message = Some(e);
            return suite;
        }
        Some(Ok((report, Evaluated::Rules(rules))))
            if rules.is_empty() && report.findings.is_empty() =>
        {
            suite.outcome = Outcome::Skipped;
            suite.message = Some("the rules file holds no rules: no case was run".to_string());
            return suite;
        }
        _ => {}
    }
    for (i, (case, result)) in p.cases.into_iter().zip(results).enumerate() {
        suite
            .cases
            .push(judge(i + 1, case, result.map(|r| r.map(|r| read(&r)))));
    }
    suite.outcome = if !suite.file_errors.is_empty()
        || suite.cases.iter().any(|c| c.outcome == Outcome::Error)
    {
        Outcome::Error
    } else if suite.cases.iter().any(|c| c.outcome == Outcome::Fail) {
        Outcome::Fail
    } else {
        Outcome::Pass
    };
    suite
}

/// Compares one case's statuses with its expectations.
fn judge(number: usize, case: Case, result: Option<Result<Evaluated, String>>) -> CaseResult {
    let mut out = CaseResult {
        number,
        name: case.name,
        file: case.file,
        outcome: Outcome::Pass,
        rules: Vec::new(),
        unchecked: Vec::new(),
        error: None,
    };
    let evaluated = match result {
        None => Evaluated::Error("the case was not evaluated".to_string()),
        Some(Err(e)) => Evaluated::Error(e),
        Some(Ok(evaluated)) => evaluated,
    };
    let rules = match evaluated {
        Evaluated::Rules(rules) => rules,
        Evaluated::ParseError(e) | Evaluated::Error(e) => {
            out.outcome = Outcome::Error;
            out.error = Some(e);
            return out;
        }
    };
    let mut bad = Vec::new();
    for (rule, statuses) in &rules {
        let actual: Vec<GuardStatus> = statuses.iter().copied().collect();
        let mut invalid_expectation = None;
        let (expected, outcome) = match case.expectations.get(rule) {
            None => (None, Outcome::NoExpectation),
            Some(text) => match GuardStatus::parse(text) {
                None => {
                    bad.push(format!(
                        "the expectation for {rule} is `{text}`; it must be PASS, FAIL or SKIP"
                    ));
                    invalid_expectation = Some(text.clone());
                    (None, Outcome::Error)
                }
                Some(expected) if meets(expected, statuses) => (Some(expected), Outcome::Pass),
                Some(expected) => (Some(expected), Outcome::Fail),
            },
        };
        out.rules.push(RuleCheck {
            rule: rule.clone(),
            expected,
            invalid_expectation,
            actual,
            outcome,
        });
    }
    let mut unchecked: Vec<String> = case
        .expectations
        .keys()
        .filter(|k| !rules.contains_key(*k))
        .cloned()
        .collect();
    unchecked.sort();
    out.unchecked = unchecked;
    out.outcome = if !bad.is_empty() {
        out.error = Some(bad.join("; "));
        Outcome::Error
    } else if out.rules.iter().any(|r| r.outcome == Outcome::Fail) {
        Outcome::Fail
    } else {
        Outcome::Pass
    };
    out
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn label(outcome: Outcome) -> String {
    match outcome {
        Outcome::Pass => format!("{GREEN}PASS{RESET}"),
        Outcome::Fail => format!("{RED}FAIL{RESET}"),
        Outcome::Error => format!("{RED}ERROR{RESET}"),
        Outcome::NoExpectation => format!("{DIM}----{RESET}"),
        Outcome::Skipped => format!("{YELLOW}SKIP{RESET}"),
    }
}

fn status_list(statuses: &[GuardStatus]) -> String {
    statuses
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Writes the run for a person: each rules file, each case with each rule's expected
/// and actual status, and a summary line.
pub fn write_human(run: &TestRun, out: &mut dyn Write) -> std::io::Result<()> {
    for suite in &run.suites {
        writeln!(out, "{BOLD}{}{RESET}", suite.rules)?;
        if suite.cases.is_empty() && suite.file_errors.is_empty() {
            writeln!(
                out,
                "  {} {}",
                label(suite.outcome),
                suite.message.as_deref().unwrap_or("no cases")
            )?;
            writeln!(out)?;
            continue;
        }
        for error in &suite.file_errors {
            writeln!(
                out,
                "  {} {}: {}",
                label(Outcome::Error),
                error.file,
                error.error
            )?;
        }
        let width = suite
            .cases
            .iter()
            .flat_map(|c| c.rules.iter().map(|r| r.rule.len()))
            .max()
            .unwrap_or(0);
        let mut last_file = None;
        for case in &suite.cases {
            if suite.tests.len() > 1 && last_file != Some(&case.file) {
                writeln!(out, "  {DIM}{}{RESET}", case.file)?;
                last_file = Some(&case.file);
            }
            let name = case.name.as_deref().unwrap_or("(unnamed)");
            writeln!(out, "  {:<5} #{} {name}", label(case.outcome), case.number)?;
            if let Some(error) = case.error.as_ref().filter(|_| case.rules.is_empty()) {
                writeln!(out, "        {RED}{error}{RESET}")?;
            }
            for rule in &case.rules {
                let actual = status_list(&rule.actual);
                let line = match (rule.outcome, rule.expected) {
                    (Outcome::Error, _) => format!(
                        "{RED}expected `{}` (not PASS, FAIL or SKIP), got {actual}{RESET}",
                        rule.invalid_expectation.as_deref().unwrap_or("")
                    ),
                    (Outcome::NoExpectation, _) | (_, None) => {
                        format!("{DIM}got {actual}, no expectation{RESET}")
                    }
                    (Outcome::Fail, Some(e)) => {
                        format!("{RED}expected {}, got {actual}{RESET}", e.as_str())
                    }
                    (_, Some(e)) => format!("expected {}, got {actual}", e.as_str()),
                };
                writeln!(out, "        {:<width$}  {line}", rule.rule)?;
            }
            for name in &case.unchecked {
                writeln!(
                    out,
                    "        {YELLOW}{name}: no rule of that name was evaluated; expectation not checked{RESET}"
                )?;
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
        "{verdict}: {} rules file{}, {} case{}: {} passed, {} failed, {} error{}",
        s.rule_files,
        if s.rule_files == 1 { "" } else { "s" },
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

    fn yaml(text: &str) -> serde_yaml::Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn inputs_convert_as_cfn_guard_converts_them() {
        let v = input_json(&yaml(
            "a: !GetAtt B.Arn\nb: !Ref X\nc: !Cidr [1, 2]\nd: !Sub ['x', {}]\ne: 18446744073709551615\nf: 1.5\n",
        ))
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "a": {"Fn::GetAtt": "B.Arn"},
                "b": {"Ref": "X"},
                "c": [1, 2],
                "d": {"Fn::Sub": ["x", {}]},
                "e": -1,
                "f": 1.5
            })
        );
        assert!(input_json(&yaml("1: x")).is_err());
        assert_eq!(input_json(&yaml("~")).unwrap(), Json::Null);
    }

    #[test]
    fn expectations_are_met_as_cfn_guard_decides() {
        use GuardStatus::*;
        let set = |s: &[GuardStatus]| s.iter().copied().collect::<BTreeSet<_>>();
        assert!(meets(Pass, &set(&[Pass, Fail])));
        assert!(meets(Fail, &set(&[Pass, Fail])));
        assert!(!meets(Skip, &set(&[Skip, Pass])));
        assert!(meets(Skip, &set(&[Skip])));
        assert!(!meets(Pass, &set(&[Skip])));
    }

    #[test]
    fn directory_pairs_tests_by_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/tests")).unwrap();
        for f in [
            "a/x.guard",
            "a/x_more.guard",
            "a/y.ruleset",
            "a/z.guard",
            "a/tests/x_tests.yaml",
            "a/tests/x_more_tests.yml",
            "a/tests/y_tests.json",
            "a/tests/notes.txt",
            "a/w_tests.yaml",
        ] {
            std::fs::write(root.join(f), "").unwrap();
        }
        let suites = directory(root).unwrap();
        let got: Vec<(String, Vec<String>)> = suites
            .iter()
            .map(|s| {
                (
                    s.prefix.clone(),
                    s.tests
                        .iter()
                        .map(|t| t.file_name().unwrap().to_string_lossy().into_owned())
                        .collect(),
                )
            })
            .collect();
        // The longest stem that begins the test file's name (cfn-guard: the first).
        assert_eq!(
            got,
            vec![
                ("x".into(), vec!["x_tests.yaml".into()]),
                ("x_more".into(), vec!["x_more_tests.yml".into()]),
                ("y".into(), vec!["y_tests.json".into()]),
                ("z".into(), vec![]),
            ]
        );
    }
}
