//! JUnit XML (`--format junit`): one test suite per template, one test case per rule,
//! plus `load` and `sam-validate`, for CI dashboards.

use std::io::{self, Write};

use preflight_policy::Status;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::evaluate::sam::SamStatus;
use crate::finding::HostRule;
use crate::run::RunReport;

/// Writes the JUnit report.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let mut junit = Report::new("preflight");
    for t in &report.templates {
        let mut suite = TestSuite::new(t.path.clone());
        let load = match &t.error {
            Some(e) => failure(format!("{}:{}:{}: {}", t.path, e.line, e.column, e.message)),
            None => TestCaseStatus::success(),
        };
        suite.add_test_case(TestCase::new("load", load));
        if let Some(sam) = &t.sam {
            let status = if sam.status == SamStatus::Passed {
                TestCaseStatus::success()
            } else {
                failure(sam.output.clone())
            };
            let mut case = TestCase::new(HostRule::SamValidate.id(), status);
            case.set_time(std::time::Duration::from_millis(sam.duration_ms));
            suite.add_test_case(case);
        }
        for rule in &t.rules {
            let name = format!("{}/{}", rule.policy, rule.rule);
            let findings: Vec<String> = t
                .findings
                .iter()
                .filter(|f| f.rule == rule.rule && f.policy == rule.policy)
                .map(|f| {
                    format!(
                        "{}:{}:{}: {}{}",
                        f.file,
                        f.line,
                        f.column,
                        f.message,
                        match &f.suppressed {
                            Some(s) => format!(" (suppressed: {})", s.reason),
                            None if !f.blocking => " (warning)".to_string(),
                            None => String::new(),
                        }
                    )
                })
                .collect();
            let blocking = t
                .findings
                .iter()
                .any(|f| f.rule == rule.rule && f.policy == rule.policy && f.blocking);
            let status = match rule.status {
                Status::Skip => TestCaseStatus::skipped(),
                Status::Fail if blocking => failure(findings.join("\n")),
                _ => TestCaseStatus::success(),
            };
            let mut case = TestCase::new(name, status);
            if rule.status == Status::Fail && !blocking {
                case.set_system_out(findings.join("\n"));
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit
        .serialize(&mut *out)
        .map_err(|e| io::Error::other(e.to_string()))?;
    writeln!(out)
}

fn failure(message: String) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    if let TestCaseStatus::NonSuccess { description, .. } = &mut status {
        *description = Some(message.into());
    }
    status
}
