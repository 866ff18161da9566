//! One gated deploy per stack at a time: an exclusive lock on
//! `.preflight/locks/<stack>.lock`, held until the deploy is recorded. The lock is an
//! advisory `flock`, so it goes away with the process however that ends. The deploy
//! command's process group is written into the lock while it runs: when preflight
//! was killed (`kill -9`) and its command lives on, the next deploy of the stack finds
//! that group alive and refuses to start a second command beside it.

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
    /// The command of an earlier deploy whose preflight is gone still runs.
    #[error(
        "the deploy command of an earlier gated deploy of `{key}` is still running (process group {pgid}, recorded in {path}), though the preflight that started it is gone; wait for it to end or stop it (kill -TERM -- -{pgid}), then run preflight deploy again"
    )]
    Orphan {
        /// The stack (or state key).
        key: String,
        /// The lock file.
        path: PathBuf,
        /// The command's process group.
        pgid: i32,
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
        let mut file = super::nofollow::open_no_follow(
            &path,
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false),
        )
        .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text
                    .lines()
                    .next()
                    .unwrap_or_default()
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
        // A command recorded by a holder that did not release the lock cleanly.
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        if let Some(pgid) = recorded_group(&text)
            && group_alive(pgid)
        {
            return Err(LockError::Orphan {
                key: key.to_string(),
                path,
                pgid,
            });
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

    /// Records the deploy command's process group, so that a next deploy finds it
    /// if this process dies without releasing the lock.
    pub fn record_command(&self, pgid: u32) {
        let mut file = &self.file;
        let _ = file.seek(SeekFrom::End(0));
        let _ = writeln!(file, "command-pgid {pgid}");
        let _ = file.sync_data();
    }
}

fn recorded_group(text: &str) -> Option<i32> {
    text.lines()
        .filter_map(|l| l.strip_prefix("command-pgid "))
        .filter_map(|n| n.trim().parse::<i32>().ok())
        .find(|n| *n > 1)
}

/// Whether any process of group `pgid` still runs (zombies, waiting for a parent to
/// reap them, do not count).
pub fn group_alive(pgid: i32) -> bool {
    !group_members(pgid).is_empty()
}

/// The processes of group `pgid` that are not zombies. Where `/proc` cannot be read,
/// a group that answers a signal counts as one member.
pub fn group_members(pgid: i32) -> Vec<u32> {
    use nix::sys::signal::killpg;
    use nix::unistd::Pid;
    if pgid <= 1 || killpg(Pid::from_raw(pgid), None) == Err(nix::errno::Errno::ESRCH) {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![pgid as u32];
    };
    let mut members = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next();
        let group = fields.nth(1).and_then(|g| g.parse::<i32>().ok());
        if group == Some(pgid) && state != Some("Z") && state != Some("X") {
            members.push(pid);
        }
    }
    members
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

    #[test]
    fn a_live_command_of_a_dead_holder_is_found() {
        let dir = tempfile::tempdir().unwrap();
        use std::os::unix::process::CommandExt;
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = child.id();
        // What a killed holder leaves: the flock is gone, the record is not.
        std::fs::write(
            dir.path().join("demo.lock"),
            format!("4000000\ncommand-pgid {pgid}\n"),
        )
        .unwrap();
        let err = DeployLock::acquire(dir.path(), "demo").unwrap_err();
        assert!(
            matches!(err, LockError::Orphan { pgid: p, .. } if p == pgid as i32),
            "{err}"
        );
        assert!(err.to_string().contains("still running"), "{err}");
        child.kill().unwrap();
        child.wait().unwrap();
        let lock = DeployLock::acquire(dir.path(), "demo").unwrap();
        lock.record_command(pgid);
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(
            text,
            format!("{}\ncommand-pgid {pgid}\n", std::process::id())
        );
    }

    #[test]
    fn a_lock_is_never_opened_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("passwd-copy");
        std::fs::write(&victim, "root:x:0:0\n").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("demo.lock")).unwrap();
        let err = DeployLock::acquire(dir.path(), "demo")
            .unwrap_err()
            .to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "root:x:0:0\n");
    }
}
