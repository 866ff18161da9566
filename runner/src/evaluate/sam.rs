//! `sam validate`, run as a subprocess alongside the policies.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::{SamConfig, SamMode};

/// Region given to `sam validate` when neither the configuration nor the environment
/// names one: validation is offline, but the SAM CLI insists on a region.
pub const DEFAULT_REGION: &str = "us-east-1";

/// `--sam required` and no `sam` on `PATH`.
#[derive(Debug, thiserror::Error)]
#[error(
    "`sam` is required (--sam required) but was not found on PATH; install it with `pip install aws-sam-cli`"
)]
pub struct SamMissing;

/// The outcome of one `sam validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SamValidation {
    /// `passed`, `failed` (non-zero exit or timeout) or `error` (could not run).
    pub status: SamStatus,
    /// The exit code, when it exited.
    pub exit_code: Option<i32>,
    /// What it printed (stdout then stderr), trimmed.
    pub output: String,
    /// How long it took.
    pub duration_ms: u64,
    /// The command line.
    pub command: Vec<String>,
}

/// The status of a `sam validate` run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SamStatus {
    /// Exit status 0.
    Passed,
    /// Non-zero exit or timeout: the template is invalid.
    Failed,
    /// `sam` could not be started.
    Error,
}

/// Runs `sam validate`.
#[derive(Debug, Clone)]
pub struct SamRunner {
    program: PathBuf,
    region: Option<String>,
    lint: bool,
    timeout: Duration,
}

impl SamRunner {
    /// The runner for `mode`: `None` when off, or when `auto` and `sam` is not on `PATH`.
    pub fn detect(mode: SamMode, config: &SamConfig) -> Result<Option<SamRunner>, SamMissing> {
        if mode == SamMode::Off {
            return Ok(None);
        }
        let Some(program) = find_on_path("sam") else {
            return match mode {
                SamMode::Required => Err(SamMissing),
                _ => Ok(None),
            };
        };
        let env_region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|r| !r.is_empty()));
        let region = match &config.region {
            Some(r) => Some(r.clone()),
            None if env_region => None,
            None => Some(DEFAULT_REGION.to_string()),
        };
        Ok(Some(SamRunner {
            program,
            region,
            lint: config.lint.unwrap_or(false),
            timeout: Duration::from_secs(config.timeout_seconds.unwrap_or(120)),
        }))
    }

    /// Validates one template.
    pub fn validate(&self, template: &Path) -> SamValidation {
        let template = std::path::absolute(template).unwrap_or_else(|_| template.to_path_buf());
        let mut args = vec![
            "validate".to_string(),
            "--template-file".to_string(),
            template.display().to_string(),
        ];
        if let Some(region) = &self.region {
            args.extend(["--region".to_string(), region.clone()]);
        }
        if self.lint {
            args.push("--lint".to_string());
        }
        let mut command_line = vec![self.program.display().to_string()];
        command_line.extend(args.iter().cloned());
        let started = Instant::now();
        let mut cmd = Command::new(&self.program);
        cmd.args(&args)
            .env("SAM_CLI_TELEMETRY", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = template.parent() {
            cmd.current_dir(dir);
        }
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) => {
                return SamValidation {
                    status: SamStatus::Error,
                    exit_code: None,
                    output: format!("cannot start {}: {e}", self.program.display()),
                    duration_ms: started.elapsed().as_millis() as u64,
                    command: command_line,
                };
            }
        };
        let stdout = child.stdout.take().map(reader);
        let stderr = child.stderr.take().map(reader);
        let mut timed_out = false;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() > self.timeout => {
                    let _ = child.kill();
                    timed_out = true;
                    break child.wait().ok();
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(_) => break None,
            }
        };
        let mut output = String::new();
        for handle in [stdout, stderr].into_iter().flatten() {
            if let Ok(text) = handle.join() {
                output.push_str(&text);
            }
        }
        let mut output = clean_output(&output);
        if timed_out {
            output.push_str(&format!("\n(stopped after {:?})", self.timeout));
        }
        let exit_code = status.and_then(|s| s.code());
        SamValidation {
            status: if exit_code == Some(0) && !timed_out {
                SamStatus::Passed
            } else {
                SamStatus::Failed
            },
            exit_code,
            output,
            duration_ms: started.elapsed().as_millis() as u64,
            command: command_line,
        }
    }
}

fn reader(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.by_ref().take(1024 * 1024).read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Drops the SAM CLI's telemetry banner and blank lines.
fn clean_output(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_banner = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("SAM CLI now collects telemetry") {
            in_banner = true;
        }
        if in_banner {
            if trimmed.starts_with("Learn More:") {
                in_banner = false;
            }
            continue;
        }
        if !trimmed.is_empty() {
            out.push(line.trim_end());
        }
    }
    out.join("\n")
}

/// The first executable named `name` on `PATH` (the `which` crate's lookup).
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    which::which(name).ok()
}

/// Why `sam validate` does not run, for the report: `flag` is `--sam`, `config` the
/// `[sam]` table, `mode` the mode in force.
pub fn not_run_reason(mode: SamMode, flag: Option<SamMode>, config: &SamConfig) -> String {
    match (mode, flag, config.mode) {
        (SamMode::Off, Some(SamMode::Off), _) => "turned off by --sam off".to_string(),
        (SamMode::Off, None, Some(SamMode::Off)) => {
            "turned off by `mode = \"off\"` under [sam] in preflight.toml".to_string()
        }
        (SamMode::Off, _, _) => "off by default here; --sam auto turns it on".to_string(),
        _ => "`sam` is not on PATH (install the SAM CLI: pip install aws-sam-cli, or `make install` in a preflight checkout)".to_string(),
    }
}
