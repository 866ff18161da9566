//! Smoke checks after a verified deploy (`[[deploy.smoke]]`): commands run in the
//! project directory with the stack's outputs as `PREFLIGHT_OUTPUT_<Key>`, and HTTP
//! GETs of URLs built from the outputs, each with a timeout. They run in order; an
//! interrupt stops the one running and skips the rest.
//!
//! A check that needs an output the stack does not have fails without running: for
//! a URL, the `${Key}` or `output` it names; for a command, every
//! `PREFLIGHT_OUTPUT_<Key>` its text mentions (what a script it calls reads cannot
//! be seen).

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::command::Interrupts;
use crate::config::{Command, SmokeCheck, url_references};

/// How long a check may take unless it says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of a command's output is kept for the report (its end).
const OUTPUT_TAIL: usize = 2048;
/// The prefix of the variables holding the stack's outputs.
pub const OUTPUT_PREFIX: &str = "PREFLIGHT_OUTPUT_";

/// What kind of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum SmokeKind {
    /// A command.
    Command,
    /// An HTTP GET.
    Http,
}

/// How a check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum SmokeStatus {
    /// It passed.
    Passed,
    /// It failed (or could not run).
    Failed,
    /// It did not run (an interrupt stopped the checks before it).
    Skipped,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct SmokeResult {
    /// Its name (`name`, else the command or the URL as configured).
    pub name: String,
    /// Command or HTTP.
    pub kind: SmokeKind,
    /// The command line, or the URL requested (outputs substituted), when known.
    pub target: Option<String>,
    /// Passed, failed or skipped.
    pub status: SmokeStatus,
    /// How long it took.
    pub duration_ms: u64,
    /// What happened, in words: the exit status and the end of the output, the HTTP
    /// status, or why it could not run.
    pub detail: String,
}

/// The smoke checks, as reported.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SmokeReport {
    /// Each check in the configured order.
    pub checks: Vec<SmokeResult>,
    /// How long they took together.
    pub duration_ms: u64,
}

impl SmokeReport {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status == SmokeStatus::Passed)
    }

    /// One reason per check that did not pass.
    pub fn reasons(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.status != SmokeStatus::Passed)
            .map(|c| format!("smoke check `{}` {}: {}", c.name, c.status, c.detail))
            .collect()
    }
}

/// What the checks run against.
pub struct SmokeInput<'a> {
    /// The checks, in order.
    pub checks: &'a [SmokeCheck],
    /// The stack's outputs (key → value).
    pub outputs: &'a BTreeMap<String, String>,
    /// Why the outputs are not known, when the stack was not checked.
    pub outputs_unknown: Option<&'a str>,
    /// The stack, when known (`PREFLIGHT_STACK_NAME`).
    pub stack: Option<&'a str>,
    /// Where commands run.
    pub dir: &'a Path,
    /// Extra environment for commands (`[deploy.env]`, as the deploy command got it).
    pub env: &'a [(String, String)],
}

/// Runs the checks in order.
pub async fn run(input: &SmokeInput<'_>, interrupts: &mut Interrupts) -> SmokeReport {
    let started = Instant::now();
    let mut report = SmokeReport::default();
    let mut stopped: Option<String> = None;
    for check in input.checks {
        let kind = if check.command.is_some() {
            SmokeKind::Command
        } else {
            SmokeKind::Http
        };
        let name = display_name(check);
        if let Some(why) = &stopped {
            report.checks.push(SmokeResult {
                name,
                kind,
                target: None,
                status: SmokeStatus::Skipped,
                duration_ms: 0,
                detail: why.clone(),
            });
            continue;
        }
        let check_started = Instant::now();
        let timeout = check
            .timeout
            .as_deref()
            .and_then(|t| crate::config::parse_duration(t).ok())
            .unwrap_or(DEFAULT_TIMEOUT);
        let outcome = match &check.command {
            Some(command) => run_command(command, input, timeout, interrupts).await,
            None => get(check, input, timeout, interrupts).await,
        };
        if let Some(sig) = outcome.interrupted {
            stopped = Some(format!("not run: interrupted by {sig}"));
        }
        report.checks.push(SmokeResult {
            name,
            kind,
            target: outcome.target,
            status: if outcome.passed {
                SmokeStatus::Passed
            } else {
                SmokeStatus::Failed
            },
            duration_ms: check_started.elapsed().as_millis() as u64,
            detail: outcome.detail,
        });
    }
    report.duration_ms = started.elapsed().as_millis() as u64;
    report
}

/// The name a check is shown by.
fn display_name(check: &SmokeCheck) -> String {
    if let Some(name) = &check.name {
        return name.clone();
    }
    match (&check.command, &check.url, &check.output) {
        (Some(Command::Shell(s)), _, _) => s.clone(),
        (Some(Command::Args(a)), _, _) => shell_join(a),
        (None, Some(url), _) => url.clone(),
        (None, None, Some(output)) => {
            format!("{output}{}", check.path.as_deref().unwrap_or_default())
        }
        (None, None, None) => "smoke check".into(),
    }
}

struct Outcome {
    passed: bool,
    target: Option<String>,
    detail: String,
    interrupted: Option<&'static str>,
}

impl Outcome {
    fn failed(target: Option<String>, detail: String) -> Outcome {
        Outcome {
            passed: false,
            target,
            detail,
            interrupted: None,
        }
    }
}

/// Why `keys` cannot be given to a check: the ones the stack has no output for.
fn missing_outputs<'k>(
    keys: impl IntoIterator<Item = &'k str>,
    input: &SmokeInput<'_>,
) -> Option<String> {
    let missing: Vec<&str> = keys
        .into_iter()
        .filter(|k| !input.outputs.contains_key(*k))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let names = missing
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let what = if missing.len() == 1 {
        "output"
    } else {
        "outputs"
    };
    let has = match input.outputs_unknown {
        Some(why) => format!("the stack's outputs are not known ({why})"),
        None if input.outputs.is_empty() => "the stack has no outputs".to_string(),
        None => format!(
            "the stack's outputs are {}",
            input
                .outputs
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(format!("stack {what} {names} missing: {has}"))
}

/// The `PREFLIGHT_OUTPUT_<Key>` names in `text`, as keys.
fn mentioned_outputs(text: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(OUTPUT_PREFIX) {
        let after = &rest[at + OUTPUT_PREFIX.len()..];
        let end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        if end > 0 && !keys.contains(&&after[..end]) {
            keys.push(&after[..end]);
        }
        rest = &after[end..];
    }
    keys
}

async fn run_command(
    command: &Command,
    input: &SmokeInput<'_>,
    timeout: Duration,
    interrupts: &mut Interrupts,
) -> Outcome {
    let (program, args, shown) = match command {
        Command::Shell(s) => (
            "sh".to_string(),
            vec!["-c".to_string(), s.clone()],
            s.clone(),
        ),
        Command::Args(a) => (
            a.first().cloned().unwrap_or_default(),
            a[1.min(a.len())..].to_vec(),
            shell_join(a),
        ),
    };
    let target = Some(shown.clone());
    let text = match command {
        Command::Shell(s) => s.clone(),
        Command::Args(a) => a.join(" "),
    };
    if let Some(why) = missing_outputs(mentioned_outputs(&text), input) {
        return Outcome::failed(target, why);
    }
    let mut cmd = tokio::process::Command::new(&program);
    cmd.args(&args)
        .current_dir(input.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .envs(input.env.iter().map(|(k, v)| (k, v)))
        .envs(
            input
                .outputs
                .iter()
                .map(|(k, v)| (format!("{OUTPUT_PREFIX}{k}"), v)),
        );
    if let Some(stack) = input.stack {
        cmd.env("PREFLIGHT_STACK_NAME", stack);
    }
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::failed(target, format!("cannot start `{program}`: {e}")),
    };
    let pid = child.id();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let collect = async {
        let (out, err) = tokio::join!(tail(stdout), tail(stderr));
        let status = child.wait().await;
        (status, out, err)
    };
    let kill_group = || {
        if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    };
    tokio::select! {
        done = tokio::time::timeout(timeout, collect) => match done {
            Ok((Ok(status), out, err)) => {
                // Whatever the command left running in its group goes with it.
                kill_group();
                let output = last_lines(if err.trim().is_empty() { &out } else { &err });
                let with_output = |s: String| {
                    if output.is_empty() { s } else { format!("{s}: {output}") }
                };
                match (status.code(), status.signal()) {
                    (Some(0), _) => Outcome {
                        passed: true,
                        target,
                        detail: with_output("exit status 0".into()),
                        interrupted: None,
                    },
                    (Some(code), _) => Outcome::failed(target, with_output(format!("exit status {code}"))),
                    (None, Some(sig)) => Outcome::failed(target, with_output(format!("killed by signal {sig}"))),
                    (None, None) => Outcome::failed(target, "no exit status".into()),
                }
            }
            Ok((Err(e), _, _)) => {
                kill_group();
                Outcome::failed(target, format!("cannot wait for the command: {e}"))
            }
            Err(_) => {
                kill_group();
                Outcome::failed(target, format!("timed out after {} and was stopped", humanize(timeout)))
            }
        },
        sig = interrupts.recv() => {
            kill_group();
            Outcome {
                passed: false,
                target,
                detail: format!("interrupted by {}", sig.as_str()),
                interrupted: Some(sig.as_str()),
            }
        }
    }
}

/// The end of a stream, at most [`OUTPUT_TAIL`] bytes, lossily decoded.
async fn tail(reader: Option<impl AsyncRead + Unpin>) -> String {
    let Some(mut reader) = reader else {
        return String::new();
    };
    let mut kept: Vec<u8> = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > OUTPUT_TAIL {
                    kept.drain(..kept.len() - OUTPUT_TAIL);
                }
            }
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

/// The last three non-empty lines of `text`, joined with ` | `.
fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let text = lines[lines.len().saturating_sub(3)..].join(" | ");
    crate::text::truncate(&text, 300)
}

/// The URL a check asks for, outputs substituted; an error names what is missing.
fn resolve_url(check: &SmokeCheck, input: &SmokeInput<'_>) -> Result<String, String> {
    if let Some(output) = &check.output {
        if let Some(why) = missing_outputs([output.as_str()], input) {
            return Err(why);
        }
        let base = &input.outputs[output];
        return Ok(match &check.path {
            Some(path) => join_path(base, path),
            None => base.clone(),
        });
    }
    let url = check.url.as_deref().unwrap_or_default();
    let refs = url_references(url)?;
    if let Some(why) = missing_outputs(refs.iter().copied(), input) {
        return Err(why);
    }
    let mut resolved = url.to_string();
    for key in refs {
        resolved = resolved.replace(&format!("${{{key}}}"), &input.outputs[key]);
    }
    Ok(resolved)
}

/// `base` and `path` with one slash between them.
fn join_path(base: &str, path: &str) -> String {
    match (base.ends_with('/'), path.starts_with('/')) {
        (true, true) => format!("{base}{}", &path[1..]),
        (false, false) if !path.is_empty() => format!("{base}/{path}"),
        _ => format!("{base}{path}"),
    }
}

async fn get(
    check: &SmokeCheck,
    input: &SmokeInput<'_>,
    timeout: Duration,
    interrupts: &mut Interrupts,
) -> Outcome {
    let url = match resolve_url(check, input) {
        Ok(url) => url,
        Err(why) => return Outcome::failed(None, why),
    };
    let target = Some(url.clone());
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Outcome::failed(target, format!("`{url}` is not an http:// or https:// URL"));
    }
    let expected = check.expect_status.unwrap_or(200);
    // ureq blocks: the request runs on its own thread, bounded by its own timeout, so
    // an interrupt is answered at once (the thread ends with the timeout).
    let (send, receive) = tokio::sync::oneshot::channel();
    let request_url = url.clone();
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("preflight/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let answer = agent
            .get(&request_url)
            .call()
            .map(|r| r.status().as_u16())
            .map_err(|e| e.to_string());
        let _ = send.send(answer);
    });
    tokio::select! {
        answer = receive => match answer {
            Ok(Ok(status)) if status == expected => Outcome {
                passed: true,
                target,
                detail: format!("GET answered {status}"),
                interrupted: None,
            },
            Ok(Ok(status)) => Outcome::failed(target, format!("GET answered {status}, expected {expected}")),
            Ok(Err(e)) if e.contains("timeout") || e.contains("timed out") => Outcome::failed(
                target,
                format!("GET timed out after {}: {e}", humanize(timeout)),
            ),
            Ok(Err(e)) => Outcome::failed(target, format!("GET failed: {e}")),
            Err(_) => Outcome::failed(target, "the request ended without an answer".into()),
        },
        sig = interrupts.recv() => Outcome {
            passed: false,
            target,
            detail: format!("interrupted by {}", sig.as_str()),
            interrupted: Some(sig.as_str()),
        },
    }
}

fn shell_join(args: &[String]) -> String {
    args.iter()
        .map(|a| super::target::shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn humanize(d: Duration) -> String {
    match d.as_millis() as u64 {
        ms if ms < 1000 => format!("{ms}ms"),
        ms => super::estimate::about(ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_checks(checks: &[SmokeCheck], outputs: &BTreeMap<String, String>) -> SmokeReport {
        let dir = tempfile::tempdir().unwrap();
        let input = SmokeInput {
            checks,
            outputs,
            outputs_unknown: None,
            stack: Some("demo"),
            dir: dir.path(),
            env: &[("EXTRA".to_string(), "yes".to_string())],
        };
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let mut interrupts = Interrupts::install().unwrap();
                run(&input, &mut interrupts).await
            })
    }

    #[test]
    fn commands_get_the_outputs_and_stop_at_their_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let outputs = BTreeMap::from([("Bucket".to_string(), "b-1".to_string())]);
        let shell = |s: &str, timeout: Option<&str>| SmokeCheck {
            command: Some(Command::Shell(s.into())),
            timeout: timeout.map(String::from),
            ..Default::default()
        };
        let report = run_checks(
            &[
                shell(
                    "test \"$PREFLIGHT_OUTPUT_Bucket $PREFLIGHT_STACK_NAME $EXTRA\" = 'b-1 demo yes' && pwd",
                    None,
                ),
                // A background child of the check goes with it when time runs out.
                shell(
                    &format!("sleep 30 & echo $! > {}; wait", pid_file.display()),
                    Some("300ms"),
                ),
                SmokeCheck {
                    command: Some(Command::Args(vec!["/nonexistent/check".into()])),
                    ..Default::default()
                },
            ],
            &outputs,
        );
        let statuses: Vec<SmokeStatus> = report.checks.iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            [
                SmokeStatus::Passed,
                SmokeStatus::Failed,
                SmokeStatus::Failed
            ],
            "{report:#?}"
        );
        assert!(
            report.checks[0].detail.starts_with("exit status 0: /"),
            "{report:#?}"
        );
        assert_eq!(
            report.checks[1].detail,
            "timed out after 300ms and was stopped"
        );
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // Killed, and reaped by init or still a zombie: never running on.
        let gone = (0..50).any(|_| {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let running = state
                .rsplit(')')
                .next()
                .is_some_and(|s| !s.trim_start().starts_with('Z'));
            if running {
                std::thread::sleep(Duration::from_millis(20));
            }
            !running
        });
        assert!(gone, "pid {pid} still runs");
        assert!(
            report.checks[2]
                .detail
                .starts_with("cannot start `/nonexistent/check`"),
            "{report:#?}"
        );
        assert_eq!(report.reasons().len(), 2);
    }

    #[test]
    fn gets_fail_on_refused_and_silent_servers() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = format!("http://{}/", closed.local_addr().unwrap());
        drop(closed);
        // Accepts, never answers.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let silent_url = format!("http://{}/", silent.local_addr().unwrap());
        let get = |url: &str| SmokeCheck {
            url: Some(url.into()),
            timeout: Some("300ms".into()),
            ..Default::default()
        };
        let report = run_checks(&[get(&refused), get(&silent_url)], &BTreeMap::new());
        assert!(
            report
                .checks
                .iter()
                .all(|c| c.status == SmokeStatus::Failed),
            "{report:#?}"
        );
        assert!(
            report.checks[0].detail.starts_with("GET failed: "),
            "{report:#?}"
        );
        assert!(
            report.checks[1]
                .detail
                .starts_with("GET timed out after 300ms"),
            "{report:#?}"
        );
        assert!(report.checks[1].duration_ms < 5000, "{report:#?}");
        drop(silent);
    }

    #[test]
    fn outputs_mentioned_by_a_command() {
        assert_eq!(
            mentioned_outputs(
                "curl -f \"$PREFLIGHT_OUTPUT_ApiUrl/x\" && echo ${PREFLIGHT_OUTPUT_Queue} $PREFLIGHT_OUTPUT_ApiUrl $PREFLIGHT_OUTPUT_"
            ),
            ["ApiUrl", "Queue"]
        );
    }

    #[test]
    fn urls_from_outputs() {
        let outputs = BTreeMap::from([
            ("ApiUrl".to_string(), "https://x.example/prod/".to_string()),
            ("Host".to_string(), "h.example".to_string()),
        ]);
        let input = SmokeInput {
            checks: &[],
            outputs: &outputs,
            outputs_unknown: None,
            stack: None,
            dir: Path::new("."),
            env: &[],
        };
        let check = |url: Option<&str>, output: Option<&str>, path: Option<&str>| SmokeCheck {
            url: url.map(String::from),
            output: output.map(String::from),
            path: path.map(String::from),
            ..Default::default()
        };
        assert_eq!(
            resolve_url(&check(None, Some("ApiUrl"), Some("/health")), &input).unwrap(),
            "https://x.example/prod/health"
        );
        assert_eq!(
            resolve_url(
                &check(Some("https://${Host}/a?b=${Host}"), None, None),
                &input
            )
            .unwrap(),
            "https://h.example/a?b=h.example"
        );
        let err = resolve_url(&check(Some("${Missing}/x"), None, None), &input).unwrap_err();
        assert_eq!(
            err,
            "stack output `Missing` missing: the stack's outputs are ApiUrl, Host"
        );
        assert_eq!(join_path("http://a", "b"), "http://a/b");
        assert_eq!(join_path("http://a/", "/b"), "http://a/b");
        assert_eq!(join_path("http://a", "?q"), "http://a/?q");
    }
}
