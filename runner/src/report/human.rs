//! The human report: each finding with its source snippet and a caret at line:column,
//! then a summary per template and for the run. Colour is added by the caller's stream
//! (anstream strips it when the output is not a terminal).

use std::collections::HashMap;
use std::io::{self, Write};

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::decide::Verdict;
use crate::evaluate::sam::SamStatus;
use crate::finding::{Finding, HostRule};
use crate::run::{RunReport, Tally, TemplateReport};
use preflight_policy::Status;

/// Writes the human report.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let renderer = Renderer::styled().decor_style(DecorStyle::Unicode);
    let fixes: HashMap<&str, String> = report
        .policies
        .iter()
        .flat_map(|p| p.rules.iter())
        .filter_map(|r| Some((r.id.as_str(), fix_of(&r.help)?)))
        .collect();
    for template in &report.templates {
        write_template(
            template,
            &fixes,
            report.sam_not_run.as_deref(),
            &renderer,
            out,
        )?;
    }
    for policy in &report.policies {
        if let Some(error) = &policy.error {
            writeln!(out, "policy `{}` could not be loaded: {error}", policy.id)?;
        }
    }
    let failed = report
        .templates
        .iter()
        .filter(|t| t.verdict == Verdict::Fail)
        .count();
    let (blocking, warnings) = report.templates.iter().fold((0, 0), |(b, w), t| {
        let tally = t.tally();
        (b + tally.blocking, w + tally.warnings)
    });
    writeln!(
        out,
        "\n{}: {} template{} checked, {} failed; {} blocking finding{}, {} warning{} ({} ms)",
        verdict_word(report.verdict),
        report.templates.len(),
        plural(report.templates.len()),
        failed,
        blocking,
        plural(blocking),
        warnings,
        plural(warnings),
        report.duration_ms
    )
}

fn write_template(
    t: &TemplateReport,
    fixes: &HashMap<&str, String>,
    sam_not_run: Option<&str>,
    renderer: &Renderer,
    out: &mut dyn Write,
) -> io::Result<()> {
    let source = t.source.as_deref().unwrap_or("");
    if let Some(error) = &t.error {
        let title = format!("cannot load template: {}", error.message);
        let mut group = Group::with_title(
            Level::ERROR
                .primary_title(title.as_str())
                .id(HostRule::LoadError.id()),
        );
        if !source.is_empty() {
            let lines = preflight_template::LineIndex::new(source);
            let col0 = error.column.saturating_sub(1);
            let start = lines.offset(source, error.line, col0);
            let end = next_char_end(source, start);
            group = group.element(
                Snippet::source(source)
                    .path(t.path.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        } else {
            group = group.element(
                // The origin's column is shown as given: 1-based, like ours.
                annotate_snippets::Origin::path(t.path.as_str())
                    .line(error.line)
                    .char_column(error.column),
            );
        }
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    if let Some(sam) = &t.sam
        && sam.status != SamStatus::Passed
    {
        let title = format!("sam validate failed for {}", t.path);
        let report = vec![
            Group::with_title(
                Level::ERROR
                    .primary_title(title.as_str())
                    .id(HostRule::SamValidate.id()),
            )
            .element(Level::NOTE.message(sam.output.as_str())),
        ];
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    for finding in &t.findings {
        let fix = fixes.get(finding.rule.as_str()).map(String::as_str);
        write_finding(finding, fix, source, &t.path, renderer, out)?;
    }
    if let Some(changes) = &t.security_changes {
        writeln!(out, "Security changes in {} against the baseline:", t.path)?;
        crate::report::changes::write_tables(changes, out)?;
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(t, sam_not_run))
}

fn write_finding(
    f: &Finding,
    fix: Option<&str>,
    source: &str,
    path: &str,
    renderer: &Renderer,
    out: &mut dyn Write,
) -> io::Result<()> {
    let level = if f.suppressed.is_some() {
        Level::NOTE
    } else if f.blocking {
        Level::ERROR
    } else {
        Level::WARNING
    };
    let label = format!(
        "{}{} ({}, {})",
        f.resource
            .as_deref()
            .map(|r| format!("{r}: "))
            .unwrap_or_default(),
        f.severity,
        f.policy,
        f.enforcement
    );
    let (start, end) = display_span(source, f.bytes);
    let mut group = Group::with_title(level.primary_title(f.message.as_str()).id(f.rule.as_str()));
    if source.is_empty() || start == end && f.pointer.is_empty() {
        group = group.element(
            annotate_snippets::Origin::path(path)
                .line(f.line)
                .char_column(f.column),
        );
    } else {
        group = group.element(
            Snippet::source(source).path(path).annotation(
                AnnotationKind::Primary
                    .span(start..end)
                    .label(label.as_str()),
            ),
        );
    }
    if let Some(fix) = fix {
        group = group.element(Level::HELP.message(fix));
    }
    let suppressed;
    if let Some(s) = &f.suppressed {
        suppressed = format!("suppressed by {}: {}", s.by, s.reason);
        group = group.element(Level::NOTE.message(suppressed.as_str()));
    }
    writeln!(out, "{}\n", renderer.render(&[group]))
}

/// The first paragraph of a rule's `## Fix` section, on one line.
fn fix_of(help: &str) -> Option<String> {
    let after = help.split("## Fix").nth(1)?;
    let paragraph: Vec<&str> = after
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("```"))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// Limits a span to its first line (a finding on a whole resource would otherwise print
/// the resource), and gives empty spans one character.
fn display_span(source: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let start = start.min(source.len());
    let end = end.clamp(start, source.len());
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let end = end.min(line_end);
    if end == start {
        (start, next_char_end(source, start))
    } else {
        (start, end)
    }
}

fn next_char_end(source: &str, start: usize) -> usize {
    source[start.min(source.len())..]
        .chars()
        .next()
        .map_or(start, |c| {
            if c == '\n' {
                start
            } else {
                start + c.len_utf8()
            }
        })
}

fn summary_line(t: &TemplateReport, sam_not_run: Option<&str>) -> String {
    let Tally {
        blocking,
        warnings,
        suppressed,
    } = t.tally();
    let count = |s: Status| t.rules.iter().filter(|r| r.status == s).count();
    let mut parts = vec![format!(
        "{} blocking, {} warning{}",
        blocking,
        warnings,
        plural(warnings)
    )];
    if suppressed > 0 {
        parts.push(format!("{suppressed} suppressed"));
    }
    if t.error.is_none() {
        parts.push(format!(
            "rules: {} passed, {} failed, {} skipped",
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Skip)
        ));
    }
    match &t.sam {
        Some(sam) => parts.push(format!(
            "sam validate: {} ({} ms)",
            match sam.status {
                SamStatus::Passed => "passed",
                SamStatus::Failed => "failed",
                SamStatus::Error => "error",
            },
            sam.duration_ms
        )),
        None => parts.push(match sam_not_run {
            Some(why) => format!("sam validate: not run, {why}"),
            None => "sam validate: not run".to_string(),
        }),
    }
    format!(
        "{} {}: {}",
        verdict_word(t.verdict),
        t.path,
        parts.join("; ")
    )
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Warn => "WARN",
        Verdict::Fail => "FAIL",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
