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
//!
//! The run has four parts: [`plan`] pairs rules files with test files, [`spec`] reads
//! the test files, the sandbox evaluates every case, [`judge`] compares the statuses
//! with the expectations, and [`render`] writes the result for people (JSON is the
//! serialisation of [`TestRun`]).

pub mod judge;
pub mod plan;
pub mod render;
pub mod spec;

use rayon::prelude::*;

pub use judge::{GuardStatus, Outcome, TestRun};
pub use plan::{PlanError, Suite, directory, single};
pub use render::write_human;

use crate::sandbox::{EvalInput, LoadedPolicy};
use judge::{Evaluation, Summary, assemble};
use spec::{Prepared, prepare};

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
