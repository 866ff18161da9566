//! `policy test` for people: each rules file, each case with each rule's expected and
//! actual status, and a summary line.

use std::io::Write;

use super::judge::{GuardStatus, Outcome, TestRun};
use crate::style::{BOLD, DIM, GREEN, RED, RESET, YELLOW};

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
