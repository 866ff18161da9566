//! Approvals given out of band: `preflight approve DIGEST --reason TEXT`, typed by a
//! person at a terminal, appends one line to `.preflight/approvals.jsonl`. A deploy
//! started by a coding agent (`preflight mcp`) runs a change set that needs approval
//! only when its digest is recorded here, so an agent can never approve its own
//! security change: it cannot answer the terminal prompt, and it is never given
//! `--approve` or `--override`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::approval::normalise_digest;
use super::audit::current_user;
use super::state::StateDir;

/// The file name under the state directory.
pub const FILE_NAME: &str = "approvals.jsonl";

/// One recorded approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approved {
    /// The change set's digest (lowercase hex, without `sha256:`).
    pub digest: String,
    /// Why the changes are acceptable.
    pub reason: String,
    /// Who approved.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
}

/// Why an approval could not be recorded or read.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalsError {
    /// No terminal on standard input: approvals are typed by people.
    #[error(
        "preflight approve must be run by a person at a terminal (standard input is not one); \
         a pipeline that approves on a person's behalf passes `preflight deploy --approve DIGEST` instead"
    )]
    NotATerminal,
    /// Not a digest.
    #[error("`{0}` is not a change-set digest (64 hexadecimal digits, as the report prints it)")]
    BadDigest(String),
    /// No reason given.
    #[error("--reason must say why the changes are acceptable")]
    NoReason,
    /// Reading or writing the file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The approvals file of `state`.
pub fn path(state: &StateDir) -> PathBuf {
    state.root().join(FILE_NAME)
}

/// Records an approval of `digest`; `terminal` says whether standard input is a
/// terminal (the caller checks, so tests can say).
pub fn record(
    state: &StateDir,
    digest: &str,
    reason: &str,
    terminal: bool,
) -> Result<Approved, ApprovalsError> {
    if !terminal {
        return Err(ApprovalsError::NotATerminal);
    }
    let digest = normalise_digest(digest);
    if digest.len() != 64 || !digest.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApprovalsError::BadDigest(digest));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApprovalsError::NoReason);
    }
    let approved = Approved {
        digest,
        reason: reason.to_string(),
        by: current_user(),
        at: jiff::Timestamp::now().to_string(),
    };
    let file = path(state);
    let io = |source| ApprovalsError::Io {
        path: file.clone(),
        source,
    };
    std::fs::create_dir_all(state.root()).map_err(io)?;
    let mut line = serde_json::to_string(&approved).map_err(|e| io(e.into()))?;
    line.push('\n');
    let mut out = super::nofollow::open_no_follow(
        &file,
        std::fs::OpenOptions::new().create(true).append(true),
    )
    .map_err(io)?;
    out.write_all(line.as_bytes())
        .and_then(|_| out.sync_all())
        .map_err(io)?;
    Ok(approved)
}

/// The latest approval of `digest`, if any. Lines that do not parse are skipped (a
/// hand-edited file must not approve anything by accident).
pub fn find(state: &StateDir, digest: &str) -> Result<Option<Approved>, ApprovalsError> {
    find_in(&path(state), digest)
}

fn find_in(file: &Path, digest: &str) -> Result<Option<Approved>, ApprovalsError> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ApprovalsError::Io {
                path: file.to_path_buf(),
                source,
            });
        }
    };
    let wanted = normalise_digest(digest);
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str::<Approved>(l).ok())
        .filter(|a| a.digest == wanted)
        .last())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";

    #[test]
    fn records_only_at_a_terminal_and_finds_by_digest() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path().join(".preflight"));
        assert!(matches!(
            record(&state, DIGEST, "reviewed", false),
            Err(ApprovalsError::NotATerminal)
        ));
        assert!(find(&state, DIGEST).unwrap().is_none());
        assert!(matches!(
            record(&state, "abc", "reviewed", true),
            Err(ApprovalsError::BadDigest(_))
        ));
        assert!(matches!(
            record(&state, DIGEST, "  ", true),
            Err(ApprovalsError::NoReason)
        ));
        record(
            &state,
            &format!("sha256:{}", DIGEST.to_uppercase()),
            "reviewed",
            true,
        )
        .unwrap();
        let found = find(&state, DIGEST).unwrap().unwrap();
        assert_eq!(found.reason, "reviewed");
        assert!(find(&state, &DIGEST.replace('5', "6")).unwrap().is_none());
    }

    #[test]
    fn an_approvals_file_replaced_by_a_link_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path().join(".preflight"));
        std::fs::create_dir_all(state.root()).unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "keep\n").unwrap();
        std::os::unix::fs::symlink(&target, path(&state)).unwrap();
        let err = record(&state, DIGEST, "reviewed", true).unwrap_err();
        assert!(
            err.to_string()
                .contains("approvals.jsonl: it is a symbolic link"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep\n");
    }
}
