//! Running preflight's own commands for the MCP tools: each tool call is one
//! `preflight <command> --format json` process, so a tool does exactly what the command
//! line does (same configuration, same gate), and a policy that misbehaves cannot take
//! the server down with it. Standard input is closed, so no command ever finds a
//! terminal to ask for approval.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

/// What a command printed and how it ended.
#[derive(Debug, Clone)]
pub struct Ran {
    /// Exit code (none when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Ran {
    /// Standard output as JSON, when it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.stdout).ok()
    }
}

/// Why a command could not be run at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot run {}: {source}", .program.display())]
pub struct InvokeError {
    /// The program.
    pub program: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Runs this preflight binary with `args` in `dir`; `on_line` sees each line of
/// standard error as it comes (the deploy command's live output).
pub async fn preflight(
    dir: &Path,
    args: Vec<OsString>,
    mut on_line: impl FnMut(String),
) -> Result<Ran, InvokeError> {
    let program = std::env::current_exe().map_err(|source| InvokeError {
        program: PathBuf::from("preflight"),
        source,
    })?;
    let fail = |source| InvokeError {
        program: program.clone(),
        source,
    };
    let mut child = tokio::process::Command::new(&program)
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(fail)?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let reading = tokio::spawn(async move {
        let mut text = String::new();
        stdout.read_to_string(&mut text).await.map(|_| text)
    });
    let mut lines = BufReader::new(stderr).lines();
    let mut err_text = String::new();
    while let Some(line) = lines.next_line().await.map_err(fail)? {
        err_text.push_str(&line);
        err_text.push('\n');
        on_line(line);
    }
    let status = child.wait().await.map_err(fail)?;
    let out_text = reading
        .await
        .map_err(|e| fail(std::io::Error::other(e)))?
        .map_err(fail)?;
    Ok(Ran {
        code: status.code(),
        stdout: out_text,
        stderr: err_text,
    })
}
