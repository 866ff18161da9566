//! GitHub Actions workflow commands (`--format github`): one annotation per finding, on
//! the file and line, so findings show up inline in pull requests.

use std::io::{self, Write};

use crate::evaluate::sam::SamStatus;
use crate::finding::HostRule;
use crate::run::RunReport;

/// Writes `::error` / `::warning` / `::notice` lines.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    for t in &report.templates {
        if let Some(e) = &t.error {
            writeln!(
                out,
                "::error file={},line={},col={},title={}::{}",
                file(&t.path),
                e.line,
                e.column,
                property(&format!("preflight {}", HostRule::LoadError)),
                data(&e.message)
            )?;
        }
        if let Some(sam) = &t.sam
            && sam.status != SamStatus::Passed
        {
            writeln!(
                out,
                "::error file={},line=1,title={}::{}",
                file(&t.path),
                property(&format!("preflight {}", HostRule::SamValidate)),
                data(&sam.output)
            )?;
        }
        for f in &t.findings {
            let command = if f.suppressed.is_some() {
                "notice"
            } else if f.blocking {
                "error"
            } else {
                "warning"
            };
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                file(&f.file),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                property(&format!("{} ({}, {})", f.rule, f.policy, f.severity)),
                data(&f.message)
            )?;
        }
    }
    writeln!(out, "preflight: {}", report.verdict.as_str())
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A path as annotations name it: relative to the workspace, without a leading `./`.
fn file(path: &str) -> String {
    let mut path = path;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    property(path)
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
