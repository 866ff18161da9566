//! `.preflight/`: the state directory. `state/<stack>.json` holds the template last
//! deployed through the gate (canonical JSON, so it loads as a template and serves as
//! the next deploy's baseline); it is replaced atomically: temporary file in the same
//! directory, fsync, rename, fsync of the directory.

use std::io::Write;
use std::path::{Path, PathBuf};

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

    /// `locks/`: where deploy locks live.
    pub fn locks(&self) -> PathBuf {
        self.root.join("locks")
    }

    /// `audit.jsonl`: one line per gated deploy.
    pub fn audit_log(&self) -> PathBuf {
        self.root.join("audit.jsonl")
    }

    /// Replaces the baseline of `key` with `template` (pretty JSON), atomically.
    pub fn write_baseline(
        &self,
        key: &str,
        template: &serde_json::Value,
    ) -> Result<PathBuf, StateError> {
        let path = self.baseline(key);
        let mut text = serde_json::to_vec_pretty(template).map_err(|e| StateError {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        text.push(b'\n');
        write_atomically(&path, &text)?;
        Ok(path)
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
    std::fs::create_dir_all(dir).map_err(err)?;
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
}
