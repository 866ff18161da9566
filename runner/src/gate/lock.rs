//! One gated deploy per stack at a time: an exclusive lock on
//! `.preflight/locks/<stack>.lock`, held until the deploy is recorded. The lock is an
//! advisory `flock`, so it goes away with the process however that ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another gated deploy of the same stack holds it.
    #[error(
        "another gated deploy of `{key}` is already running{holder} (lock {path}); wait for it to finish, then run preflight deploy again"
    )]
    Busy {
        /// The stack (or state key).
        key: String,
        /// The lock file.
        path: PathBuf,
        /// ` (pid N)` when the holder wrote its process id.
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {path}: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A held deploy lock; released when dropped.
#[derive(Debug)]
pub struct DeployLock {
    file: File,
    path: PathBuf,
}

impl DeployLock {
    /// Takes the lock for `key` under `dir` (`.preflight/locks`) without waiting.
    pub fn acquire(dir: &Path, key: &str) -> Result<DeployLock, LockError> {
        let path = dir.join(format!("{key}.lock"));
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text
                    .trim()
                    .parse::<u32>()
                    .map(|pid| format!(" (pid {pid})"))
                    .unwrap_or_default();
                return Err(LockError::Busy {
                    key: key.to_string(),
                    path,
                    holder,
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Record who holds it, for the message the next one gets.
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = writeln!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(DeployLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DeployLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_of_the_same_stack_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = DeployLock::acquire(dir.path(), "demo").unwrap();
        let err = DeployLock::acquire(dir.path(), "demo").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("already running"), "{message}");
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        // Another stack is independent.
        let _other = DeployLock::acquire(dir.path(), "other").unwrap();
        drop(first);
        DeployLock::acquire(dir.path(), "demo").unwrap();
    }
}
