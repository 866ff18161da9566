//! Judging a `policy test` run: each case's rule statuses against its expectations, as
//! `cfn-guard test` decides, put together per rules file and counted.

use std::collections::{BTreeMap, BTreeSet};

use preflight_policy::{Report, Status};
use serde::Serialize;

use super::spec::{Case, FileError, Prepared};

/// A rule's status as Guard names it (`PASS`, `FAIL`, `SKIP`), in results and in the
/// expectations of test files.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "UPPERCASE")]
#[strum(serialize_all = "UPPERCASE")]
pub enum GuardStatus {
    /// The rule passed.
    Pass,
    /// The rule failed.
    Fail,
    /// The rule did not apply.
    Skip,
}

impl GuardStatus {
    /// `PASS`, `FAIL` or `SKIP`.
    pub fn as_str(self) -> &'static str {
        self.into()
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

/// One evaluation's report, or why there is none.
pub(super) type Evaluation = Result<Report, String>;

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
pub(super) fn assemble(
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
            Some(text) => match text.parse::<GuardStatus>().ok() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
