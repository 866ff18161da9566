//! `.preflight/audit.jsonl`: one JSON line per gated deploy, appended and synced:
//! when, what, the verdict, approvals and overrides with their reasons, duration and
//! exit status.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::outcome::Outcome;
use crate::decide::Verdict;

/// Why the audit log could not be appended to.
#[derive(Debug, thiserror::Error)]
#[error("cannot append to {path}: {source}")]
pub struct AuditError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// An approval of security changes, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRecord {
    /// The digest approved.
    pub digest: String,
    /// How it was given.
    pub method: ApprovalMethod,
    /// Who approved (`PREFLIGHT_APPROVER`, else the login name).
    pub by: String,
    /// The reason given, if any.
    pub reason: Option<String>,
}

/// How an approval was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ApprovalMethod {
    /// `--approve DIGEST`.
    Digest,
    /// Answered at the terminal.
    Interactive,
}

/// An override used, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideRecord {
    /// The rule.
    pub rule: String,
    /// Why.
    pub reason: String,
    /// How many findings it lifted.
    pub findings: usize,
}

/// Which point of a deploy an entry records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditEvent {
    /// Written just before the deploy command starts, so a run that is killed still
    /// leaves a trace.
    Start,
    /// How the run ended (every run that got as far as the gate has one).
    #[default]
    End,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Start of the command, or the end of the run.
    #[serde(default)]
    pub event: AuditEvent,
    /// When the deploy started (RFC 3339, UTC).
    pub time: String,
    /// The stack, when known.
    pub stack: Option<String>,
    /// The template.
    pub template: String,
    /// SHA-256 of the template's canonical JSON.
    pub template_sha256: Option<String>,
    /// The deploy command.
    pub command: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The process exit status of `preflight deploy`.
    pub exit_code: u8,
    /// The gate's verdict.
    pub verdict: Verdict,
    /// Why the gate blocked or the deploy failed.
    pub reasons: Vec<String>,
    /// The security change set: digest, broadening, count (none without a baseline).
    pub security: Option<serde_json::Value>,
    /// The approval, when one was given.
    pub approval: Option<ApprovalRecord>,
    /// Overrides used.
    pub overrides: Vec<OverrideRecord>,
    /// Who ran it.
    pub user: String,
    /// Wall time of the whole run.
    pub duration_ms: u64,
    /// Wall time of the deploy command, when it started (what [`super::estimate`]
    /// reads; absent from lines written before it was recorded).
    #[serde(default)]
    pub deploy_ms: Option<u64>,
    /// Whether the baseline was replaced.
    pub state_written: bool,
}

/// The audit log, open for appending: opened before the gate decides, so a log that
/// cannot be written stops the deploy before its command starts.
#[derive(Debug)]
pub struct AuditLog {
    file: std::fs::File,
    path: PathBuf,
}

impl AuditLog {
    /// Opens (creating) `path` for appending, without following a symbolic link in
    /// its place; anything but a regular file is refused.
    pub fn open(path: &Path) -> Result<AuditLog, AuditError> {
        let file = super::nofollow::open_no_follow(
            path,
            std::fs::OpenOptions::new().create(true).append(true),
        )
        .map_err(|source| AuditError {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(AuditLog {
            file,
            path: path.to_path_buf(),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry` as one line and syncs it.
    pub fn append(&self, entry: &AuditEntry) -> Result<(), AuditError> {
        let err = |source| AuditError {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(entry).map_err(|e| err(std::io::Error::other(e)))?;
        line.push(b'\n');
        // One write call: O_APPEND keeps concurrent lines whole.
        (&self.file).write_all(&line).map_err(err)?;
        self.file.sync_data().map_err(err)
    }
}

/// Appends `entry` as one line to `path`, creating the file, and syncs it.
pub fn append(path: &Path, entry: &AuditEntry) -> Result<(), AuditError> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| AuditError {
            path: path.to_path_buf(),
            source,
        })?;
    }
    AuditLog::open(path)?.append(entry)
}

/// Who is running preflight: `PREFLIGHT_APPROVER`, else `USER` / `LOGNAME`, else the
/// name of the process's user, else its uid.
pub fn current_user() -> String {
    if let Some(name) = ["PREFLIGHT_APPROVER", "USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
    {
        return name;
    }
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_one_line_per_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".preflight/audit.jsonl");
        let entry = AuditEntry {
            event: AuditEvent::End,
            time: "2026-01-01T00:00:00Z".into(),
            stack: Some("demo".into()),
            template: "template.yaml".into(),
            template_sha256: None,
            command: "make play".into(),
            outcome: Outcome::Deployed,
            exit_code: 0,
            verdict: Verdict::Pass,
            reasons: vec![],
            security: None,
            approval: Some(ApprovalRecord {
                digest: "abc".into(),
                method: ApprovalMethod::Digest,
                by: "alice".into(),
                reason: Some("reviewed".into()),
            }),
            overrides: vec![],
            user: "alice".into(),
            duration_ms: 5,
            deploy_ms: Some(3),
            state_written: true,
        };
        append(&path, &entry).unwrap();
        append(&path, &entry).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let v: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(v["approval"]["reason"], "reviewed");

        // Never through a link, never into a directory or FIFO.
        let outside = dir.path().join("passwd-copy");
        std::fs::write(&outside, "root:x:0:0\n").unwrap();
        let link = dir.path().join("linked.jsonl");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let err = append(&link, &entry).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "root:x:0:0\n");
        let err = append(dir.path(), &entry).unwrap_err().to_string();
        assert!(err.contains("directory"), "{err}");
        let fifo = dir.path().join("fifo.jsonl");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = append(&fifo, &entry).unwrap_err().to_string();
        assert!(err.contains("neither"), "{err}");
    }
}
