//! Markdown (`--format markdown`): a summary for a pull request comment or a job summary
//! (`$GITHUB_STEP_SUMMARY`).

use std::io::{self, Write};

use crate::decide::Verdict;
use crate::evaluate::sam::SamStatus;
use crate::run::RunReport;

/// Writes the markdown summary.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let icon = |v: Verdict| match v {
        Verdict::Pass => "✅",
        Verdict::Warn => "⚠️",
        Verdict::Fail => "❌",
    };
    writeln!(
        out,
        "## {} preflight: {}\n",
        icon(report.verdict),
        report.verdict.as_str()
    )?;
    writeln!(
        out,
        "| Template | Verdict | Blocking | Warnings | sam validate |"
    )?;
    writeln!(out, "|---|---|---:|---:|---|")?;
    for t in &report.templates {
        let tally = t.tally();
        let sam = match &t.sam {
            None => "not run",
            Some(s) if s.status == SamStatus::Passed => "passed",
            Some(_) => "failed",
        };
        writeln!(
            out,
            "| `{}` | {} {} | {} | {} | {} |",
            cell(&t.path),
            icon(t.verdict),
            t.verdict.as_str(),
            tally.blocking,
            tally.warnings,
            sam
        )?;
    }
    let rows: Vec<_> = report
        .templates
        .iter()
        .flat_map(|t| t.findings.iter())
        .filter(|f| f.suppressed.is_none())
        .collect();
    let errors: Vec<_> = report
        .templates
        .iter()
        .filter_map(|t| t.error.as_ref().map(|e| (t, e)))
        .collect();
    if !errors.is_empty() {
        writeln!(out, "\n### Templates that could not be loaded\n")?;
        for (t, e) in errors {
            writeln!(
                out,
                "- `{}:{}:{}`: {}",
                cell(&t.path),
                e.line,
                e.column,
                cell(&e.message)
            )?;
        }
    }
    if !rows.is_empty() {
        writeln!(out, "\n### Findings\n")?;
        writeln!(out, "| | Severity | Rule | Location | Resource | Message |")?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for f in rows {
            writeln!(
                out,
                "| {} | {} | `{}` | `{}:{}:{}` | {} | {} |",
                if f.blocking { "❌" } else { "⚠️" },
                f.severity,
                cell(&f.rule),
                cell(&f.file),
                f.line,
                f.column,
                f.resource.as_deref().map(cell).unwrap_or_default(),
                cell(&f.message)
            )?;
        }
    }
    Ok(())
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
