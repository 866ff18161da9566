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

/// One line of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
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
    /// Whether the baseline was replaced.
    pub state_written: bool,
}

/// Appends `entry` as one line to `path`, creating the file, and syncs it.
pub fn append(path: &Path, entry: &AuditEntry) -> Result<(), AuditError> {
    let err = |source| AuditError {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut line = serde_json::to_vec(entry).map_err(|e| err(std::io::Error::other(e)))?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(err)?;
    // One write call: O_APPEND keeps concurrent lines whole.
    file.write_all(&line).map_err(err)?;
    file.sync_data().map_err(err)
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
            state_written: true,
        };
        append(&path, &entry).unwrap();
        append(&path, &entry).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let v: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(v["approval"]["reason"], "reviewed");
    }
}
