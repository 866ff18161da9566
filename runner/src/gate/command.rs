//! Runs the deploy command with tokio: in its own process group, its output streamed
//! live and kept (a bounded tail, with failure markers noted as lines go by), SIGINT and
//! SIGTERM forwarded to the whole group, and an optional timeout (SIGTERM to the group,
//! then SIGKILL after a grace period).

use std::collections::VecDeque;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::signal::unix::{SignalKind, signal};
use tokio::time::Instant;

use super::markers::{MarkerHit, failure_marker};
use crate::text::{strip_ansi, truncate};

/// How many lines of output the report keeps (the last ones).
pub const TAIL_LINES: usize = 400;
/// How many failure markers are kept.
pub const MAX_MARKERS: usize = 50;
/// How long the command gets between SIGTERM (or a forwarded SIGINT) and SIGKILL.
pub const GRACE: Duration = Duration::from_secs(10);
/// How long to wait for the output pipes to close once the command has exited (a
/// background process it started may keep them open).
const DRAIN: Duration = Duration::from_secs(2);
/// How often the command's process group is looked at once the command has exited.
const GROUP_POLL: Duration = Duration::from_millis(100);

/// SIGINT and SIGTERM, caught while the command runs and verification follows, so
/// they reach the command's process group instead of stopping preflight half-way.
#[derive(Debug)]
pub struct Interrupts {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

impl Interrupts {
    /// Installs the handlers; call inside the tokio runtime, before starting the command.
    pub fn install() -> std::io::Result<Interrupts> {
        Ok(Interrupts {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
        })
    }

    /// Waits for the next SIGINT or SIGTERM.
    pub async fn recv(&mut self) -> Signal {
        tokio::select! {
            _ = self.int.recv() => Signal::SIGINT,
            _ = self.term.recv() => Signal::SIGTERM,
        }
    }
}

/// Where the command's output goes while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Live {
    /// Its stdout to ours, its stderr to ours.
    Split,
    /// Both to our stderr (when our stdout carries a JSON report).
    Stderr,
    /// Nowhere (kept for the report only).
    Off,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    /// The program.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// How to show it.
    pub display: String,
    /// The working directory.
    pub dir: PathBuf,
    /// Extra environment.
    pub env: Vec<(String, String)>,
}

/// How to run it.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stop the command after this long.
    pub timeout: Option<Duration>,
    /// Between SIGTERM and SIGKILL.
    pub grace: Duration,
    /// Where output goes live.
    pub live: Live,
    /// Told the command's process id (= its process group) once it has started.
    pub spawned: Option<tokio::sync::mpsc::UnboundedSender<u32>>,
    /// The progress line on the terminal, which the output is written around.
    pub bar: Option<indicatif::ProgressBar>,
}

/// What happened to the command.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommandReport {
    /// The command line.
    pub command: String,
    /// The working directory.
    pub dir: String,
    /// Whether it started.
    pub started: bool,
    /// Why it could not start.
    pub start_error: Option<String>,
    /// Its process id (and process group).
    pub pid: Option<u32>,
    /// Its exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that ended it, when one did (`SIGKILL`, ...).
    pub signal: Option<String>,
    /// Whether the timeout stopped it.
    pub timed_out: bool,
    /// The signal preflight received and forwarded (`SIGINT`, `SIGTERM`).
    pub interrupted: Option<String>,
    /// How long it ran.
    pub duration_ms: u64,
    /// How many lines it printed.
    pub output_lines: usize,
    /// The last lines (at most [`TAIL_LINES`]), ANSI escapes removed.
    pub output_tail: Vec<String>,
    /// Processes of the command's group still running when the command itself
    /// exited (a background job): the gate waited for them before verifying.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stragglers: Vec<u32>,
    /// How long the gate waited for them after the command exited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub straggler_wait_ms: Option<u64>,
    /// Lines carrying failure markers.
    #[serde(skip)]
    pub markers: Vec<MarkerHit>,
}

impl CommandReport {
    /// Whether it started and exited with status 0, on its own.
    pub fn succeeded(&self) -> bool {
        self.started && self.exit_code == Some(0) && !self.timed_out && self.interrupted.is_none()
    }
}

#[derive(Default)]
struct Capture {
    lines: usize,
    tail: VecDeque<String>,
    markers: Vec<MarkerHit>,
}

/// Runs the command to completion (or until stopped) and reports.
pub async fn run(
    spec: &CommandSpec,
    options: &RunOptions,
    interrupts: &mut Interrupts,
) -> CommandReport {
    let mut report = CommandReport {
        command: spec.display.clone(),
        dir: spec.dir.display().to_string(),
        ..Default::default()
    };
    let started = Instant::now();
    let mut command = tokio::process::Command::new(&spec.program);
    command
        .args(&spec.args)
        .current_dir(&spec.dir)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(false);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            report.start_error = Some(match e.kind() {
                std::io::ErrorKind::NotFound => format!(
                    "cannot start `{}`: `{}` was not found (is it installed and on PATH?)",
                    spec.display, spec.program
                ),
                std::io::ErrorKind::PermissionDenied => format!(
                    "cannot start `{}`: permission denied for `{}`",
                    spec.display, spec.program
                ),
                _ => format!("cannot start `{}`: {e}", spec.display),
            });
            report.duration_ms = started.elapsed().as_millis() as u64;
            return report;
        }
    };
    report.started = true;
    report.pid = child.id();
    if let (Some(tx), Some(pid)) = (&options.spawned, child.id()) {
        let _ = tx.send(pid);
    }
    let group = child.id().map(|id| Pid::from_raw(id as i32));
    let capture = Arc::new(Mutex::new(Capture::default()));
    let (out_live, err_live) = match options.live {
        Live::Split => (Some(Sink::Stdout), Some(Sink::Stderr)),
        Live::Stderr => (Some(Sink::Stderr), Some(Sink::Stderr)),
        Live::Off => (None, None),
    };
    let mut pumps = Vec::new();
    if let Some(out) = child.stdout.take() {
        pumps.push(tokio::spawn(pump(
            out,
            capture.clone(),
            out_live,
            options.bar.clone(),
        )));
    }
    if let Some(err) = child.stderr.take() {
        pumps.push(tokio::spawn(pump(
            err,
            capture.clone(),
            err_live,
            options.bar.clone(),
        )));
    }

    let mut escalation = Escalation {
        group,
        grace: options.grace,
        timeout_at: options.timeout.map(|t| started + t),
        kill_at: None,
    };
    let status = loop {
        tokio::select! {
            status = child.wait() => break status,
            sig = interrupts.recv() => escalation.interrupted(sig, &mut report),
            _ = sleep_until(escalation.timeout_at) => escalation.timed_out(&mut report),
            _ = sleep_until(escalation.kill_at) => escalation.kill(),
        }
    };
    // The command has exited, but processes it started in the background may still
    // run and print (a failure among them): wait for the whole group, under the same
    // timeout and signals, before anyone verifies.
    let exited = Instant::now();
    loop {
        let members = group
            .map(|g| super::lock::group_members(g.as_raw()))
            .unwrap_or_default();
        if members.is_empty() {
            break;
        }
        if report.stragglers.is_empty() {
            report.stragglers = members.clone();
            let note = format!(
                "preflight: `{}` exited, but {} process{} of its group still run{} (pid {}); waiting for {} before verifying\n",
                spec.display,
                members.len(),
                if members.len() == 1 { "" } else { "es" },
                if members.len() == 1 { "s" } else { "" },
                members
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                if members.len() == 1 { "it" } else { "them" },
            );
            tracing::info!("{}", note.trim_end());
            if options.live != Live::Off {
                let mut err = anstream::stderr().lock();
                let _ = err.write_all(note.as_bytes()).and_then(|_| err.flush());
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(GROUP_POLL) => {}
            sig = interrupts.recv() => escalation.interrupted(sig, &mut report),
            _ = sleep_until(escalation.timeout_at) => escalation.timed_out(&mut report),
            _ = sleep_until(escalation.kill_at) => escalation.kill(),
        }
    }
    if !report.stragglers.is_empty() {
        report.straggler_wait_ms = Some(exited.elapsed().as_millis() as u64);
    }
    if report.interrupted.is_some() || report.timed_out {
        // Whatever is left of the group goes too.
        signal_group(group, Signal::SIGKILL);
    }
    // Output pipes may still be held by a process outside the group (a daemon that
    // started its own session): its output is not waited for beyond a moment.
    for pump in pumps {
        let abort = pump.abort_handle();
        if tokio::time::timeout(DRAIN, pump).await.is_err() {
            abort.abort();
        }
    }
    match status {
        Ok(status) => {
            report.exit_code = status.code();
            report.signal = status.signal().map(|s| {
                Signal::try_from(s)
                    .map_or_else(|_| format!("signal {s}"), |s| s.as_str().to_string())
            });
        }
        Err(e) => report.start_error = Some(format!("cannot wait for `{}`: {e}", spec.display)),
    }
    report.duration_ms = started.elapsed().as_millis() as u64;
    if let Ok(mut capture) = capture.lock() {
        report.output_lines = capture.lines;
        report.output_tail = capture.tail.drain(..).collect();
        report.markers = std::mem::take(&mut capture.markers);
    }
    report
}

/// How the command's process group is stopped: the timeout sends SIGTERM, an interrupt
/// is forwarded, and either is followed by SIGKILL after the grace period. The same
/// escalation holds while the command runs and while its stragglers are waited for.
struct Escalation {
    group: Option<Pid>,
    grace: Duration,
    timeout_at: Option<Instant>,
    kill_at: Option<Instant>,
}

impl Escalation {
    fn interrupted(&mut self, sig: Signal, report: &mut CommandReport) {
        tracing::info!("received {sig}; forwarding it to the deploy command's process group");
        report
            .interrupted
            .get_or_insert_with(|| sig.as_str().to_string());
        signal_group(self.group, sig);
        self.kill_at.get_or_insert(Instant::now() + self.grace);
    }

    fn timed_out(&mut self, report: &mut CommandReport) {
        report.timed_out = true;
        self.timeout_at = None;
        signal_group(self.group, Signal::SIGTERM);
        self.kill_at.get_or_insert(Instant::now() + self.grace);
    }

    fn kill(&mut self) {
        signal_group(self.group, Signal::SIGKILL);
        self.kill_at = None;
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn signal_group(group: Option<Pid>, sig: Signal) {
    if let Some(group) = group
        && let Err(e) = killpg(group, sig)
        && e != nix::errno::Errno::ESRCH
    {
        tracing::warn!("cannot send {sig} to process group {group}: {e}");
    }
}

#[derive(Debug, Clone, Copy)]
enum Sink {
    Stdout,
    Stderr,
}

async fn pump(
    reader: impl AsyncRead + Unpin,
    capture: Arc<Mutex<Capture>>,
    live: Option<Sink>,
    bar: Option<indicatif::ProgressBar>,
) {
    let mut reader = BufReader::new(reader);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if let Some(sink) = live {
            let write = || match sink {
                Sink::Stdout => {
                    let mut out = anstream::stdout().lock();
                    out.write_all(&buf).and_then(|_| out.flush())
                }
                Sink::Stderr => {
                    let mut err = anstream::stderr().lock();
                    err.write_all(&buf).and_then(|_| err.flush())
                }
            };
            // The progress line is cleared while a line is written, then redrawn.
            let _ = match &bar {
                Some(bar) => bar.suspend(write),
                None => write(),
            };
        }
        let text = strip_ansi(&String::from_utf8_lossy(&buf));
        let line = text.trim_end_matches(['\n', '\r']).to_string();
        if let Ok(mut c) = capture.lock() {
            c.lines += 1;
            let number = c.lines;
            if let Some(marker) = failure_marker(&line)
                && c.markers.len() < MAX_MARKERS
            {
                c.markers.push(MarkerHit {
                    line: number,
                    marker: marker.to_string(),
                    text: truncate(&line, 300),
                });
            }
            if c.tail.len() == TAIL_LINES {
                c.tail.pop_front();
            }
            c.tail.push_back(truncate(&line, 2000));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(script: &str) -> CommandSpec {
        CommandSpec {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
            display: script.into(),
            dir: std::env::temp_dir(),
            env: vec![("PREFLIGHT_TEST_VALUE".into(), "42".into())],
        }
    }

    fn run_blocking(spec: &CommandSpec, timeout: Option<Duration>) -> CommandReport {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut interrupts = Interrupts::install().unwrap();
            let options = RunOptions {
                timeout,
                grace: Duration::from_millis(500),
                live: Live::Off,
                spawned: None,
                bar: None,
            };
            run(spec, &options, &mut interrupts).await
        })
    }

    #[test]
    fn captures_output_status_and_markers() {
        let r = run_blocking(
            &spec(
                "echo one; echo \"value $PREFLIGHT_TEST_VALUE\"; printf '\\033[31mError: boom\\033[0m\\n' >&2; exit 3",
            ),
            None,
        );
        assert!(r.started);
        assert_eq!(r.exit_code, Some(3));
        assert!(!r.succeeded());
        assert_eq!(r.output_lines, 3);
        assert!(
            r.output_tail.contains(&"value 42".to_string()),
            "{:?}",
            r.output_tail
        );
        assert_eq!(r.markers.len(), 1);
        assert_eq!(r.markers[0].marker, "Error:");
        assert_eq!(r.markers[0].text, "Error: boom");
    }

    #[test]
    fn a_missing_program_is_a_clear_error() {
        let r = run_blocking(
            &CommandSpec {
                program: "/nonexistent/deploy".into(),
                args: vec![],
                display: "/nonexistent/deploy".into(),
                dir: std::env::temp_dir(),
                env: vec![],
            },
            None,
        );
        assert!(!r.started);
        assert!(r.start_error.unwrap().contains("was not found"));
    }

    #[test]
    fn the_timeout_stops_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("late");
        let script = format!("(sleep 3; touch {}) & sleep 3", marker.display());
        let started = std::time::Instant::now();
        let r = run_blocking(&spec(&script), Some(Duration::from_millis(300)));
        assert!(r.timed_out);
        assert!(!r.succeeded());
        assert!(started.elapsed() < Duration::from_secs(3));
        std::thread::sleep(Duration::from_millis(3500));
        assert!(
            !marker.exists(),
            "the background child outlived the timeout"
        );
    }

    #[test]
    fn a_background_job_is_waited_for_and_its_output_kept() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("late");
        // The job closes its output first, so only the group shows it still runs.
        let script = format!(
            "(exec >/dev/null 2>&1; sleep 3; touch {}) & (sleep 1; echo UPDATE_FAILED) & echo hi",
            marker.display()
        );
        let r = run_blocking(&spec(&script), None);
        assert_eq!(r.exit_code, Some(0));
        assert!(!r.stragglers.is_empty(), "{r:?}");
        assert!(marker.exists(), "returned before the background job ended");
        assert!(
            r.markers.iter().any(|m| m.marker == "UPDATE_FAILED"),
            "{:?}",
            r.output_tail
        );
    }

    #[test]
    fn the_timeout_also_stops_a_straggler() {
        let started = std::time::Instant::now();
        let r = run_blocking(
            &spec("(exec >/dev/null 2>&1; sleep 30) & echo hi"),
            Some(Duration::from_millis(500)),
        );
        assert!(r.timed_out, "{r:?}");
        assert!(!r.succeeded());
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn strips_ansi() {
        assert_eq!(strip_ansi("\x1b[1;31mred\x1b[0m plain"), "red plain");
        assert_eq!(
            strip_ansi("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
    }
}
