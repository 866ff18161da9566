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
            "| {} | {} {} | {} | {} | {} |",
            code(&t.path),
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
                "- {}: {}",
                code(&format!("{}:{}:{}", t.path, e.line, e.column)),
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
                "| {} | {} | {} | {} | {} | {} |",
                if f.blocking { "❌" } else { "⚠️" },
                f.severity,
                code(&f.rule),
                code(&format!("{}:{}:{}", f.file, f.line, f.column)),
                f.resource.as_deref().map(cell).unwrap_or_default(),
                cell(&f.message)
            )?;
        }
    }
    Ok(())
}

/// Text in a table cell: the table's own `|` escaped, and HTML (which GitHub renders
/// in markdown, from resource ids and messages the template's author chose) shown as
/// text.
fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// Text in a code span; one that holds a backtick (which would end the span) is
/// written as escaped text instead.
fn code(s: &str) -> String {
    if s.contains('`') {
        cell(s)
    } else {
        format!("`{}`", s.replace('|', "\\|").replace(['\n', '\r'], " "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_in_cells_is_text() {
        assert_eq!(
            cell("<img src=x onerror=alert(1)> & |"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; \\|"
        );
        assert_eq!(code("a<b>"), "`a<b>`");
        assert_eq!(code("a`<script>`"), "a`&lt;script&gt;`");
    }
}
