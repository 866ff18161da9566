//! The deploy report for people. It is written in parts, so a terminal sees the gate's
//! result before the command's output streams, and the outcome after it:
//! [`write_gate`], [`write_security`], [`write_approval`], [`write_deploy_start`],
//! [`write_outcome`];
//! [`write()`] writes them all (with the tail of the output), for `--output FILE`.
//! Colour is stripped by the caller's stream when it is not a terminal.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{DeployReport, PhaseName, PhaseStatus, PolicyStatus};
use crate::decide::Verdict;
use crate::evaluate::sam::SamStatus;
use crate::gate::approval::ApprovalStatus;
use crate::gate::changes::SecurityChanges;
use crate::gate::estimate::{self, Estimate};
use crate::gate::outcome::Outcome;
use crate::gate::smoke::{SmokeReport, SmokeStatus};
use crate::gate::verify::{ResourceChange, VerifyStatus};
use crate::style::{BOLD, DIM, GREEN, RED, RESET, YELLOW};

/// Lines of output the full report repeats after a failure.
const FAILURE_TAIL: usize = 30;

/// The whole report, for a file (includes the tail of the command's output).
pub fn write(r: &DeployReport, out: &mut dyn Write) -> io::Result<()> {
    write_gate(r, out)?;
    write_security(r, out)?;
    write_approval(r, out)?;
    if r.deploy.is_some() {
        write_deploy_start(r, out)?;
        if let Some(d) = &r.deploy {
            let tail = if r.outcome == Outcome::Deployed {
                &d.output_tail[d.output_tail.len().saturating_sub(5)..]
            } else {
                &d.output_tail[d.output_tail.len().saturating_sub(FAILURE_TAIL)..]
            };
            if d.output_lines > tail.len() {
                writeln!(
                    out,
                    "{DIM}  … {} earlier line{} …{RESET}",
                    d.output_lines - tail.len(),
                    plural(d.output_lines - tail.len())
                )?;
            }
            for line in tail {
                writeln!(out, "  │ {line}")?;
            }
        }
    }
    write_outcome(r, out)
}

/// The header and the gate: validation, policies, findings.
pub fn write_gate(r: &DeployReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{BOLD}preflight deploy{RESET} · stack {} · template {} · command `{}`",
        r.stack.as_deref().unwrap_or("(none)"),
        r.template,
        r.command
    )?;
    let check_ms = r.phase_ms(PhaseName::Check);
    heading(out, "Gate", check_ms)?;
    let gate = &r.gate;
    if let Some(e) = &gate.load_error {
        writeln!(
            out,
            "  {RED}✗{RESET} cannot load {}:{}:{}: {}",
            r.template, e.line, e.column, e.message
        )?;
    }
    match &gate.validation {
        Some(sam) => {
            let (mark, word) = match sam.status {
                SamStatus::Passed => (ok_mark(), "passed"),
                SamStatus::Failed => (fail_mark(), "failed"),
                SamStatus::Error => (fail_mark(), "could not run"),
            };
            writeln!(
                out,
                "  {mark} sam validate {word} ({})",
                duration(sam.duration_ms)
            )?;
            if sam.status != SamStatus::Passed {
                for line in sam.output.lines() {
                    writeln!(out, "      {line}")?;
                }
            }
        }
        None => match &gate.check.sam_not_run {
            Some(why) => writeln!(out, "  {DIM}- sam validate not run: {why}{RESET}")?,
            None => writeln!(out, "  {DIM}- sam validate not run{RESET}")?,
        },
    }
    for p in &gate.policies {
        let mark = match p.outcome {
            PolicyStatus::Pass => ok_mark(),
            PolicyStatus::Warn => warn_mark(),
            PolicyStatus::Fail | PolicyStatus::Error => fail_mark(),
        };
        let detail = match &p.error {
            Some(e) => format!("error: {e}"),
            None => format!(
                "{} rule{} passed, {} failed, {} skipped; {} finding{}, {} blocking",
                p.rules_passed,
                plural(p.rules_passed),
                p.rules_failed,
                p.rules_skipped,
                p.findings,
                plural(p.findings),
                p.blocking
            ),
        };
        writeln!(
            out,
            "  {mark} policy {} {} ({}): {} — {detail}",
            p.id,
            p.version,
            p.enforcement.as_str(),
            p.outcome
        )?;
    }
    let has_findings = gate.check.templates.iter().any(|t| !t.findings.is_empty());
    if has_findings {
        writeln!(out)?;
        // The security changes have their own section.
        let mut check = gate.check.clone();
        for t in &mut check.templates {
            t.security_changes = None;
        }
        crate::report::human::write(&check, out)?;
    }
    for o in &gate.overrides {
        writeln!(
            out,
            "  {YELLOW}!{RESET} override {}: {} finding{} lifted — reason: {}",
            o.rule,
            o.findings,
            plural(o.findings),
            o.reason
        )?;
    }
    let verdict = match gate.verdict {
        Verdict::Pass => format!("{GREEN}pass{RESET}"),
        Verdict::Warn => format!("{YELLOW}warn{RESET} (nothing blocking)"),
        Verdict::Fail => format!("{RED}fail{RESET}"),
    };
    writeln!(out, "  verdict: {verdict}")
}

/// The stack before the command: its status, and whether a deploy can start.
fn write_stack_before(r: &DeployReport, out: &mut dyn Write) -> io::Result<()> {
    let b = &r.stack_before;
    let name = r.stack.as_deref().unwrap_or("");
    let region = b
        .region
        .as_deref()
        .map(|r| format!(" {DIM}({r}){RESET}"))
        .unwrap_or_default();
    match (&b.status, b.exists, &b.error, &b.skipped) {
        (Some(status), _, _, _) => {
            let mark = if b.blocks() { fail_mark() } else { ok_mark() };
            writeln!(
                out,
                "  {mark} stack {name}{region}: {status}{}",
                b.status_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )?;
            if let Some(remediation) = &b.remediation {
                writeln!(out, "      {remediation}")?;
            }
        }
        (None, Some(false), _, _) => writeln!(
            out,
            "  {} stack {name}{region}: does not exist yet (this deploy creates it)",
            ok_mark()
        )?,
        (None, _, Some(e), _) => writeln!(
            out,
            "  {} stack {name}{region} could not be queried before the deploy: {e}",
            warn_mark()
        )?,
        // Not asked (no stack name, verification off): the Verify section says why.
        _ => {}
    }
    Ok(())
}

/// The security changes against the baseline and their approval.
pub fn write_security(r: &DeployReport, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.security;
    if r.gate.load_error.is_some() {
        return Ok(());
    }
    writeln!(out, "\n{BOLD}Security changes{RESET}")?;
    write_stack_before(r, out)?;
    if let Some(d) = &s.drift
        && d.changed
    {
        writeln!(
            out,
            "  {} stack {} was changed outside the gate since its last gated deploy{}",
            warn_mark(),
            r.stack.as_deref().unwrap_or(""),
            match &d.changes {
                Some(c) if !c.is_empty() => format!(
                    " ({} security-relevant change{}: from the last gated deploy to the stack as deployed now)",
                    c.count,
                    plural(c.count)
                ),
                _ => " (no security-relevant change among the differences)".to_string(),
            }
        )?;
        if let Some(c) = d.changes.as_ref().filter(|c| !c.is_empty()) {
            write_changes(c, out)?;
        }
    }
    match (&s.baseline, &s.changes) {
        (None, _) => writeln!(
            out,
            "  {DIM}no baseline: first deploy of this stack through the gate, nothing to compare against{RESET}"
        )?,
        (Some(b), None) => writeln!(out, "  baseline {b} could not be compared")?,
        (Some(b), Some(changes)) => {
            let origin = match s.baseline_from {
                Some(super::BaselineOrigin::DeployedStack) => {
                    " (no record of a gated deploy yet: the template the stack runs now)"
                }
                _ => "",
            };
            writeln!(out, "  against {b}{origin}")?;
            if changes.is_empty() {
                writeln!(out, "  {} no security-relevant changes", ok_mark())?;
            } else {
                write_changes(changes, out)?;
            }
        }
    }
    Ok(())
}

/// The approval decision and, when it is missing, the exact command that approves.
pub fn write_approval(r: &DeployReport, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.security;
    if let Some(a) = &s.approval {
        let mark = match a.status {
            ApprovalStatus::NotRequired | ApprovalStatus::Approved => ok_mark(),
            _ => fail_mark(),
        };
        writeln!(
            out,
            "  {mark} approval ({}): {}",
            level_name(a.level),
            a.message
        )?;
        if let Some(by) = &a.approved {
            writeln!(
                out,
                "      approved by {} ({}){}",
                by.by,
                by.method,
                by.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            )?;
        }
        if !a.status.allows()
            && let Some(command) = &s.approve_command
        {
            writeln!(
                out,
                "\n  To approve exactly these changes, run:\n\n    {BOLD}{command}{RESET}"
            )?;
        }
    }
    Ok(())
}

/// The change tables (as `preflight diff` draws them), the counts and the digest,
/// indented to sit in the report.
pub fn write_changes(changes: &SecurityChanges, out: &mut dyn Write) -> io::Result<()> {
    let mut buffer = Vec::new();
    crate::report::changes::write_tables(&changes.set, &mut buffer)?;
    writeln!(out)?;
    for line in String::from_utf8_lossy(&buffer).lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// The line before the command's output.
pub fn write_deploy_start(r: &DeployReport, out: &mut dyn Write) -> io::Result<()> {
    let dir = r
        .deploy
        .as_ref()
        .map(|d| d.dir.clone())
        .unwrap_or_else(|| r.project_dir.clone());
    writeln!(
        out,
        "\n{BOLD}Deploy{RESET} · running `{}` in {dir}",
        r.command
    )?;
    writeln!(out, "{DIM}{}{RESET}", "─".repeat(72))
}

/// Everything after the command: its result, verification, what was recorded, the
/// phases, the outcome and the next steps.
pub fn write_outcome(r: &DeployReport, out: &mut dyn Write) -> io::Result<()> {
    if let Some(d) = &r.deploy {
        writeln!(out, "{DIM}{}{RESET}", "─".repeat(72))?;
        let status = if let Some(e) = &d.start_error {
            format!("{RED}did not start{RESET}: {e}")
        } else if let Some(sig) = &d.interrupted {
            format!(
                "{RED}interrupted{RESET} by {sig} (forwarded to process group {})",
                d.pid.unwrap_or(0)
            )
        } else if d.timed_out {
            format!("{RED}timed out{RESET} and was stopped")
        } else {
            match (d.exit_code, &d.signal) {
                (Some(0), _) => format!("{GREEN}exit status 0{RESET}"),
                (Some(code), _) => format!("{RED}exit status {code}{RESET}"),
                (None, Some(sig)) => format!("{RED}killed by {sig}{RESET}"),
                _ => "no exit status".into(),
            }
        };
        writeln!(
            out,
            "  `{}`: {status} after {}; {} line{} of output",
            d.command,
            duration(d.duration_ms),
            d.output_lines,
            plural(d.output_lines)
        )?;
    }
    if let Some(e) = &r.estimate {
        write_estimate(e, out)?;
    }
    if let Some(v) = &r.verify {
        heading(out, "Verify", v.duration_ms)?;
        for m in &v.markers {
            writeln!(
                out,
                "  {} failure marker `{}` at output line {}: {}",
                fail_mark(),
                m.marker,
                m.line,
                m.text
            )?;
        }
        if v.markers.is_empty() && r.deploy.as_ref().is_some_and(|d| d.started) {
            writeln!(out, "  {} no failure markers in the output", ok_mark())?;
        }
        let s = &v.stack;
        match (&s.status, &s.skipped, &s.error) {
            (Some(status), _, _) => {
                let mark = if s.ok == Some(true) {
                    ok_mark()
                } else {
                    fail_mark()
                };
                writeln!(
                    out,
                    "  {mark} stack {}: {status}{}",
                    s.name.as_deref().unwrap_or(""),
                    s.status_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                )?;
            }
            // A stack error that failed verification is listed with the failures.
            (None, _, Some(e)) if !v.failures.iter().any(|f| f.contains(e.as_str())) => {
                writeln!(out, "  {} stack: {e}", fail_mark())?
            }
            (None, Some(why), None) => writeln!(out, "  {DIM}- stack not checked: {why}{RESET}")?,
            _ => {}
        }
        if let Some(explanation) = &s.explanation {
            writeln!(out, "      {explanation}")?;
        }
        if let Some(p) = &v.progress
            && !p.events.is_empty()
        {
            writeln!(
                out,
                "  events: {} since the deploy started ({} resource{} complete, {} failed)",
                p.events.len(),
                p.complete,
                plural(p.complete),
                p.failed
            )?;
        }
        if let Some(cause) = &v.root_cause {
            for f in &cause.failures {
                let path: String = f.stack_path.iter().map(|s| format!("{s} › ")).collect();
                writeln!(
                    out,
                    "  {} root cause: {path}{} {DIM}{}{RESET} {}{}",
                    fail_mark(),
                    f.logical_id,
                    f.resource_type,
                    f.status,
                    f.reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                )?;
            }
            for u in &cause.unreadable {
                writeln!(out, "  {} {u}", warn_mark())?;
            }
        }
        if let Some(c) = &v.resources {
            writeln!(
                out,
                "  resources: {} created, {} updated, {} deleted{} {DIM}(from stack {}){RESET}",
                c.created.len(),
                c.updated.len(),
                c.deleted.len(),
                if c.failed.is_empty() {
                    String::new()
                } else {
                    format!(", {RED}{} failed{RESET}", c.failed.len())
                },
                c.source
            )?;
            resource_lines(out, "+", GREEN, &c.created)?;
            resource_lines(out, "~", YELLOW, &c.updated)?;
            resource_lines(out, "-", RED, &c.deleted)?;
            resource_lines(out, "✗", RED, &c.failed)?;
        }
        if v.status == VerifyStatus::Failed {
            for f in &v.failures {
                writeln!(out, "  {} {f}", fail_mark())?;
            }
        }
    }
    if let Some(v) = &r.verify {
        write_outputs(&v.stack.outputs, out)?;
    }
    if let Some(smoke) = &r.smoke {
        write_smoke(smoke, out)?;
    }
    if r.outcome != Outcome::Pending && r.gate.load_error.is_none() {
        heading(out, "Record", r.phase_ms(PhaseName::Record))?;
        if r.state.written {
            writeln!(out, "  {} baseline written: {}", ok_mark(), r.state.path)?;
        } else if r.state.existed {
            writeln!(out, "  {DIM}- baseline kept: {}{RESET}", r.state.path)?;
        } else {
            writeln!(out, "  {DIM}- no baseline written{RESET}")?;
        }
        if r.state.audited {
            writeln!(
                out,
                "  {} audit log appended: {}",
                ok_mark(),
                r.state.audit_log
            )?;
        }
        if let Some(e) = &r.state.error {
            writeln!(out, "  {} {e}", fail_mark())?;
        }
        if let Some(e) = &r.state.audit_error {
            writeln!(out, "  {} {e}", fail_mark())?;
        }
    }
    let phases: Vec<String> = r
        .phases
        .iter()
        .map(|p| {
            let status = if p.status == PhaseStatus::Passed {
                String::new()
            } else {
                format!(" ({})", p.status)
            };
            format!("{} {}{status}", p.name, duration(p.duration_ms))
        })
        .collect();
    writeln!(
        out,
        "\n{BOLD}Phases{RESET}: {} · total {}",
        phases.join(" · "),
        duration(r.duration_ms)
    )?;
    let outcome = match r.outcome {
        Outcome::Deployed => format!("{GREEN}{BOLD}DEPLOYED{RESET}"),
        Outcome::Blocked => {
            format!("{RED}{BOLD}BLOCKED{RESET} (the deploy command was not started)")
        }
        Outcome::Failed => format!("{RED}{BOLD}FAILED{RESET}"),
        Outcome::Error => format!("{RED}{BOLD}ERROR{RESET}"),
        Outcome::Pending => "PENDING".into(),
    };
    writeln!(out, "{outcome} (exit {})", r.exit_code)?;
    for reason in &r.reasons {
        writeln!(out, "  • {reason}")?;
    }
    if !r.next_steps.is_empty() {
        writeln!(out, "\n{BOLD}Next steps{RESET}")?;
        for step in &r.next_steps {
            writeln!(out, "  → {step}")?;
        }
    }
    Ok(())
}

/// The stack's outputs, when it has any.
fn write_outputs(outputs: &BTreeMap<String, String>, out: &mut dyn Write) -> io::Result<()> {
    if outputs.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{BOLD}Outputs{RESET}")?;
    for (key, value) in outputs {
        writeln!(out, "  {key} = {value}")?;
    }
    Ok(())
}

/// The estimate against the actual duration of the deploy command.
fn write_estimate(e: &Estimate, out: &mut dyn Write) -> io::Result<()> {
    let Some(actual) = e.actual_ms else {
        return writeln!(out, "  {DIM}{}{RESET}", e.line());
    };
    let diff = actual.abs_diff(e.median_ms);
    let compared = if diff < 1000 {
        "as estimated".to_string()
    } else if actual > e.median_ms {
        format!("{} longer", estimate::about(diff))
    } else {
        format!("{} shorter", estimate::about(diff))
    };
    writeln!(
        out,
        "  {DIM}{}; took {} ({compared}){RESET}",
        e.line(),
        estimate::about(actual)
    )
}

/// Each smoke check with its status, duration and what happened.
fn write_smoke(smoke: &SmokeReport, out: &mut dyn Write) -> io::Result<()> {
    heading(out, "Smoke checks", smoke.duration_ms)?;
    for c in &smoke.checks {
        let mark = match c.status {
            SmokeStatus::Passed => ok_mark(),
            SmokeStatus::Failed => fail_mark(),
            SmokeStatus::Skipped => format!("{DIM}-{RESET}"),
        };
        let target = match &c.target {
            Some(t) if *t != c.name => format!(" {DIM}({} {t}){RESET}", c.kind),
            _ => String::new(),
        };
        let took = match c.status {
            SmokeStatus::Skipped => String::new(),
            _ => format!(" in {}", duration(c.duration_ms)),
        };
        writeln!(
            out,
            "  {mark} {}{target} {}{took}: {}",
            c.name, c.status, c.detail
        )?;
    }
    Ok(())
}

fn resource_lines(
    out: &mut dyn Write,
    sign: &str,
    colour: anstyle::Style,
    list: &[ResourceChange],
) -> io::Result<()> {
    for r in list {
        writeln!(
            out,
            "    {colour}{sign}{RESET} {} {DIM}{}{RESET}{}{}",
            r.logical_id,
            r.resource_type,
            r.physical_id
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default(),
            r.reason
                .as_deref()
                .map(|p| format!(": {p}"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

fn heading(out: &mut dyn Write, title: &str, ms: u64) -> io::Result<()> {
    writeln!(out, "\n{BOLD}{title}{RESET} {DIM}({}){RESET}", duration(ms))
}

fn level_name(level: crate::config::ApprovalLevel) -> &'static str {
    match level {
        crate::config::ApprovalLevel::Never => "never",
        crate::config::ApprovalLevel::Broadening => "broadening",
        crate::config::ApprovalLevel::AnyChange => "any-change",
    }
}

fn ok_mark() -> String {
    format!("{GREEN}✓{RESET}")
}

fn warn_mark() -> String {
    format!("{YELLOW}!{RESET}")
}

fn fail_mark() -> String {
    format!("{RED}✗{RESET}")
}

/// `850 ms`, `12.3 s`, `2 min 5 s`.
pub fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::smoke::{SmokeKind, SmokeResult};

    #[test]
    fn outputs_estimate_and_smoke_checks() {
        let mut buffer = Vec::new();
        let out = &mut anstream::StripStream::new(&mut buffer);
        let outputs = BTreeMap::from([
            (
                "ApiUrl".to_string(),
                "https://abc.example/prod/".to_string(),
            ),
            ("QueueName".to_string(), "orders".to_string()),
        ]);
        write_outputs(&outputs, out).unwrap();
        write_outputs(&BTreeMap::new(), out).unwrap();
        let mut estimate = Estimate {
            median_ms: 80_000,
            deploys: 3,
            basis: "deploy-command",
            actual_ms: None,
        };
        writeln!(out).unwrap();
        write_estimate(&estimate, out).unwrap();
        for actual in [80_400, 95_000, 20_000] {
            estimate.actual_ms = Some(actual);
            write_estimate(&estimate, out).unwrap();
        }
        let check = |name: &str, kind, target: Option<&str>, status, detail: &str| SmokeResult {
            name: name.into(),
            kind,
            target: target.map(String::from),
            status,
            duration_ms: 120,
            detail: detail.into(),
        };
        let smoke = SmokeReport {
            checks: vec![
                check(
                    "./check.sh",
                    SmokeKind::Command,
                    Some("./check.sh"),
                    SmokeStatus::Passed,
                    "exit status 0: ok",
                ),
                check(
                    "health",
                    SmokeKind::Http,
                    Some("https://abc.example/prod/health"),
                    SmokeStatus::Failed,
                    "GET answered 503, expected 200",
                ),
                check(
                    "queue",
                    SmokeKind::Command,
                    None,
                    SmokeStatus::Skipped,
                    "not run: interrupted by SIGINT",
                ),
            ],
            duration_ms: 360,
        };
        write_smoke(&smoke, out).unwrap();
        insta::assert_snapshot!(String::from_utf8(buffer).unwrap());
    }
}
