//! `.preflight/`: the state directory. `state/<stack>.json` holds the template last
//! deployed through the gate (canonical JSON, so it loads as a template and serves as
//! the next deploy's baseline); it is replaced atomically: temporary file in the same
//! directory, fsync, rename, fsync of the directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::nofollow::not_followed;

/// The name of the state directory in the project.
pub const STATE_DIR: &str = ".preflight";

/// Why the state could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct StateError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// The `.preflight/` directory of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDir {
    root: PathBuf,
}

impl StateDir {
    /// The state directory at `root` (usually `<project>/.preflight`).
    pub fn new(root: impl Into<PathBuf>) -> StateDir {
        StateDir { root: root.into() }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `state/<key>.json`: the baseline of a stack.
    pub fn baseline(&self, key: &str) -> PathBuf {
        self.root.join("state").join(format!("{key}.json"))
    }

    /// The template CloudFormation had after the last gated deploy of `key` (to tell a
    /// change made outside the gate).
    pub fn deployed(&self, key: &str) -> PathBuf {
        self.root.join("state").join(format!("{key}.deployed.json"))
    }

    /// Replaces the record of the deployed template atomically.
    pub fn write_deployed(
        &self,
        key: &str,
        template: &serde_json::Value,
    ) -> Result<PathBuf, StateError> {
        write_json(self.deployed(key), template)
    }

    /// `locks/`: where deploy locks live.
    pub fn locks(&self) -> PathBuf {
        self.root.join("locks")
    }

    /// `audit.jsonl`: one line per gated deploy.
    pub fn audit_log(&self) -> PathBuf {
        self.root.join("audit.jsonl")
    }

    /// Makes sure everything a deploy of `key` writes can be written, before anything
    /// runs: the directory, `state/` and `locks/` are directories (created when
    /// missing), none of them or the files in them is a symbolic link, `state/`
    /// takes a new file, and the audit log opens for appending. The recorded baseline
    /// itself is judged by the gate (one that exists but is not a regular file blocks).
    pub fn prepare(&self) -> Result<(), StateError> {
        for dir in [self.root.clone(), self.root.join("state"), self.locks()] {
            ensure_dir(&dir)?;
        }
        let state = self.root.join("state");
        tempfile::Builder::new()
            .prefix(".probe-")
            .tempfile_in(&state)
            .map_err(|source| StateError {
                path: state.clone(),
                source,
            })?;
        super::audit::AuditLog::open(&self.audit_log()).map_err(|e| StateError {
            path: e.path,
            source: e.source,
        })?;
        Ok(())
    }

    /// Replaces the baseline of `key` with `template` (pretty JSON), atomically.
    pub fn write_baseline(
        &self,
        key: &str,
        template: &serde_json::Value,
    ) -> Result<PathBuf, StateError> {
        write_json(self.baseline(key), template)
    }
}

/// Writes `value` to `path` as pretty JSON with a final newline, atomically.
fn write_json(path: PathBuf, value: &serde_json::Value) -> Result<PathBuf, StateError> {
    let mut text = serde_json::to_vec_pretty(value).map_err(|e| StateError {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    text.push(b'\n');
    write_atomically(&path, &text)?;
    Ok(path)
}

/// `dir` as a directory of the state: created when missing; a symbolic link or
/// anything else in its place is refused, so nothing is written elsewhere through it.
fn ensure_dir(dir: &Path) -> Result<(), StateError> {
    let err = |source| StateError {
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(m) => Err(err(not_followed(&m))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => ensure_dir(dir),
            Err(e) => Err(err(e)),
        },
        Err(e) => Err(err(e)),
    }
}

/// Writes `bytes` to `path` so that readers see the old file or the new one, never a
/// part: a temporary file beside it, fsync, rename over, fsync of the directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let err = |source| StateError {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Some(root) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        ensure_dir(root).map_err(|e| err(e.source))?;
    }
    ensure_dir(dir).map_err(|e| err(e.source))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(".json")
        .tempfile_in(dir)
        .map_err(err)?;
    temp.write_all(bytes).map_err(err)?;
    // tempfile creates 0600; a baseline is as readable as the template it copies.
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(err)?;
    }
    temp.as_file().sync_all().map_err(err)?;
    temp.persist(path).map_err(|e| err(e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path().join(STATE_DIR));
        let path = state
            .write_baseline("demo", &serde_json::json!({"Resources": {"A": {}}}))
            .unwrap();
        assert_eq!(path, dir.path().join(".preflight/state/demo.json"));
        state
            .write_baseline("demo", &serde_json::json!({"Resources": {"B": {}}}))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"B\"") && !text.contains("\"A\""), "{text}");
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["demo.json"]);
    }

    #[test]
    fn prepare_refuses_links_and_files_in_place_of_directories() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let state = StateDir::new(dir.path().join(STATE_DIR));
        state.prepare().unwrap();
        assert!(dir.path().join(".preflight/state").is_dir());
        assert!(dir.path().join(".preflight/locks").is_dir());

        std::fs::remove_dir(dir.path().join(".preflight/locks")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.path().join(".preflight/locks")).unwrap();
        let err = state.prepare().unwrap_err().to_string();
        assert!(
            err.contains("locks") && err.contains("symbolic link"),
            "{err}"
        );
        std::fs::remove_file(dir.path().join(".preflight/locks")).unwrap();

        std::fs::remove_dir(dir.path().join(".preflight/state")).unwrap();
        std::fs::write(dir.path().join(".preflight/state"), "x").unwrap();
        let err = state.prepare().unwrap_err().to_string();
        assert!(
            err.contains("state") && err.contains("not a directory"),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    }
}
