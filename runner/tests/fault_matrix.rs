//! The deploy gate's fault matrix (issue 8): every way the gate must refuse (a template
//! that does not load, a blocking finding, a policy error, an unknown policy, an odd or
//! unreadable baseline, a held or broken lock, an output path or audit log that cannot
//! be written, an approval not given) crossed with every way the state in `.preflight/`
//! can be damaged (missing, a directory in place of a file, symbolic links to files
//! outside, garbage, unwritable). For each cell: the deploy command (`touch
//! deployed.marker`) never starts, preflight exits 2 or 3 without panicking, and nothing
//! outside `.preflight/` and the named output changes (the project tree, and the files
//! the links point at, are snapshotted before and after).
//!
//! Run as root, a permission bit does not stop a write, so "unwritable" is made with a
//! regular file in place of `.preflight/state` (nothing can be created under it); as
//! another user the directory is also made read-only.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Output};

use common::{fixture, preflight};

const MARKER: &str = "deployed.marker";
const STACK: &str = "fault-app";
const CONFIG: &str = "[deploy]\nstack = \"fault-app\"\nverify = false\ncommand = [\"touch\", \"deployed.marker\"]\n\n[sam]\nmode = \"off\"\n";

/// How `.preflight/` is damaged before the deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Damage {
    /// No `.preflight/` at all (a first deploy).
    Missing,
    /// A directory where the baseline, the audit log and the lock should be files.
    Directory,
    /// The baseline, the audit log and the lock are links to files outside.
    Symlink,
    /// Random bytes in the baseline, the audit log and the lock.
    Garbage,
    /// Nothing can be written under `.preflight/state`.
    Unwritable,
}

const DAMAGES: [Damage; 5] = [
    Damage::Missing,
    Damage::Directory,
    Damage::Symlink,
    Damage::Garbage,
    Damage::Unwritable,
];

/// The gating error of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// The template does not load.
    LoadError,
    /// A hard-mandatory finding.
    BlockingFinding,
    /// Every policy fails (a 1 MiB memory limit): policy errors block.
    PolicyError,
    /// `--policy` names no policy.
    UnknownPolicy,
    /// `--baseline` is a directory.
    OddBaseline,
    /// `--baseline` is garbage.
    UnreadableBaseline,
    /// Another process holds the stack's lock.
    LockHeld,
    /// The lock file is a directory.
    LockBroken,
    /// `--output` under a directory that does not exist.
    OutputPath,
    /// The audit log is a directory.
    AuditLog,
    /// A broadening change against `--baseline`, and no approval.
    ApprovalRefused,
}

const FAULTS: [Fault; 11] = [
    Fault::LoadError,
    Fault::BlockingFinding,
    Fault::PolicyError,
    Fault::UnknownPolicy,
    Fault::OddBaseline,
    Fault::UnreadableBaseline,
    Fault::LockHeld,
    Fault::LockBroken,
    Fault::OutputPath,
    Fault::AuditLog,
    Fault::ApprovalRefused,
];

impl Fault {
    /// The exit status when nothing else is wrong.
    fn exit_alone(self) -> i32 {
        match self {
            Fault::BlockingFinding
            | Fault::PolicyError
            | Fault::UnreadableBaseline
            | Fault::ApprovalRefused => 3,
            _ => 2,
        }
    }
}

fn garbage(len: usize, seed: u8) -> Vec<u8> {
    let mut x = u32::from(seed) * 2_654_435_761 + 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 3) as u8
        })
        .collect()
}

/// One cell's project: its directory, the extra arguments, and what it started.
struct Cell {
    dir: tempfile::TempDir,
    args: Vec<String>,
    output: Option<PathBuf>,
    holder: Option<Child>,
}

impl Drop for Cell {
    fn drop(&mut self) {
        if let Some(mut holder) = self.holder.take() {
            let _ = holder.kill();
            let _ = holder.wait();
        }
        // A read-only directory would keep the temporary directory from going away.
        let state = self.dir.path().join(".preflight/state");
        if state.is_dir() {
            let _ = std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755));
        }
    }
}

fn setup(fault: Fault, damage: Damage) -> Cell {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(
        fixture("deploy/clean/template.yaml"),
        root.join("template.yaml"),
    )
    .unwrap();
    std::fs::write(root.join("preflight.toml"), CONFIG).unwrap();
    // Files outside the state that links may point at; they must not change.
    let victims = root.join("outside");
    std::fs::create_dir(&victims).unwrap();
    std::fs::write(victims.join("passwd"), "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    std::fs::copy(
        fixture("deploy/clean/template.yaml"),
        victims.join("baseline.yaml"),
    )
    .unwrap();

    // The damage first: a row may then set its own part of the state.
    let state = root.join(".preflight");
    let baseline = state.join("state").join(format!("{STACK}.json"));
    let audit = state.join("audit.jsonl");
    let lock = state.join("locks").join(format!("{STACK}.lock"));
    if damage != Damage::Missing {
        std::fs::create_dir_all(state.join("state")).unwrap();
        std::fs::create_dir_all(state.join("locks")).unwrap();
    }
    match damage {
        Damage::Missing => {}
        Damage::Directory => {
            for path in [&baseline, &audit, &lock] {
                std::fs::create_dir(path).unwrap();
            }
        }
        Damage::Symlink => {
            std::os::unix::fs::symlink(victims.join("baseline.yaml"), &baseline).unwrap();
            std::os::unix::fs::symlink(victims.join("passwd"), &audit).unwrap();
            std::os::unix::fs::symlink(victims.join("passwd"), &lock).unwrap();
        }
        Damage::Garbage => {
            for (seed, path) in [&baseline, &audit, &lock].into_iter().enumerate() {
                std::fs::write(path, garbage(512, seed as u8 + 1)).unwrap();
            }
        }
        Damage::Unwritable => {
            std::fs::remove_dir(state.join("state")).unwrap();
            std::fs::write(state.join("state"), "not a directory\n").unwrap();
            if !nix::unistd::geteuid().is_root() {
                std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o555)).unwrap();
            }
        }
    }

    let mut args: Vec<String> = Vec::new();
    let mut output = None;
    let mut holder = None;
    match fault {
        Fault::LoadError => {
            std::fs::write(root.join("template.yaml"), "Resources: [unclosed\n").unwrap();
        }
        Fault::BlockingFinding => {
            std::fs::copy(
                fixture("deploy/violation/template.yaml"),
                root.join("template.yaml"),
            )
            .unwrap();
        }
        Fault::PolicyError => {
            std::fs::write(
                root.join("preflight.toml"),
                format!("{CONFIG}\n[sandbox]\nmemory-mib = 1\n"),
            )
            .unwrap();
        }
        Fault::UnknownPolicy => args.extend(["--policy".into(), "nosuchpolicy".into()]),
        Fault::OddBaseline => {
            std::fs::create_dir(root.join("old")).unwrap();
            args.extend(["--baseline".into(), "old".into()]);
        }
        Fault::UnreadableBaseline => {
            std::fs::write(root.join("old.json"), garbage(300, 9)).unwrap();
            args.extend(["--baseline".into(), "old.json".into()]);
        }
        Fault::LockHeld => {
            let locks = state.join("locks");
            if !locks.is_dir() {
                let _ = std::fs::remove_file(&locks);
                std::fs::create_dir_all(&locks).unwrap();
            }
            // flock(1) holds an exclusive lock on the path (following a link, if one
            // is there: the victim is only locked, never written).
            let mut child = std::process::Command::new("flock")
                .arg("-x")
                .arg(&lock)
                .args(["sleep", "60"])
                .spawn()
                .unwrap();
            // Wait (bounded) until it holds the lock.
            for _ in 0..100 {
                let probe = std::process::Command::new("flock")
                    .args(["-n", "-x"])
                    .arg(&lock)
                    .arg("true")
                    .status()
                    .unwrap();
                if !probe.success() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            if let Ok(Some(_)) = child.try_wait() {
                // A directory in place of the lock: flock(1) cannot hold it either.
            } else {
                holder = Some(child);
            }
        }
        Fault::LockBroken => {
            let locks = state.join("locks");
            let _ = std::fs::remove_file(&lock);
            if !locks.is_dir() {
                let _ = std::fs::remove_file(&locks);
            }
            std::fs::create_dir_all(&lock).unwrap();
        }
        Fault::OutputPath => {
            let path = root.join("no-such-dir/report.json");
            args.extend(["-o".into(), path.display().to_string()]);
            output = Some(path);
        }
        Fault::AuditLog => {
            if !state.is_dir() {
                std::fs::create_dir_all(&state).unwrap();
            }
            let _ = std::fs::remove_file(&audit);
            if !audit.is_dir() {
                std::fs::create_dir(&audit).unwrap();
            }
        }
        Fault::ApprovalRefused => {
            std::fs::copy(
                fixture("deploy/iam/template.yaml"),
                root.join("narrow.yaml"),
            )
            .unwrap();
            std::fs::copy(
                fixture("deploy/iam/broadened.yaml"),
                root.join("template.yaml"),
            )
            .unwrap();
            args.extend(["--baseline".into(), "narrow.yaml".into()]);
        }
    }
    Cell {
        dir,
        args,
        output,
        holder,
    }
}

/// What a path is: a file's bytes, a link's target, or a directory.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Link(PathBuf),
    Dir,
    Other,
}

/// Everything under `root` except `.preflight/` and `skip`.
fn snapshot(root: &Path, skip: Option<&Path>) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if relative.starts_with(".preflight") || Some(path.as_path()) == skip {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let kind = if meta.file_type().is_symlink() {
                Entry::Link(std::fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Entry::Dir
            } else if meta.is_file() {
                Entry::File(std::fs::read(&path).unwrap())
            } else {
                Entry::Other
            };
            out.insert(relative, kind);
        }
    }
    out
}

fn deploy(cell: &Cell) -> Output {
    preflight()
        .current_dir(cell.dir.path())
        .arg("deploy")
        .args(&cell.args)
        .write_stdin("")
        .env("USER", "tester")
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap()
}

#[test]
fn no_gating_error_on_any_damaged_state_starts_the_command_or_writes_outside_the_state() {
    // The oracle sees a command that runs: a healthy project deploys, and the snapshot
    // shows exactly its marker appearing.
    {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            fixture("deploy/clean/template.yaml"),
            dir.path().join("template.yaml"),
        )
        .unwrap();
        std::fs::write(dir.path().join("preflight.toml"), CONFIG).unwrap();
        let control = Cell {
            dir,
            args: Vec::new(),
            output: None,
            holder: None,
        };
        let before = snapshot(control.dir.path(), None);
        let out = deploy(&control);
        assert_eq!(out.status.code(), Some(0), "control: {out:?}");
        let after = snapshot(control.dir.path(), None);
        let appeared: Vec<_> = after.keys().filter(|p| !before.contains_key(*p)).collect();
        assert_eq!(appeared, [Path::new(MARKER)], "control");
    }
    let mut failures = Vec::new();
    let mut cells = 0;
    for fault in FAULTS {
        for damage in DAMAGES {
            cells += 1;
            let cell = setup(fault, damage);
            let before = snapshot(cell.dir.path(), cell.output.as_deref());
            let out = deploy(&cell);
            let after = snapshot(cell.dir.path(), cell.output.as_deref());
            let name = format!("{fault:?} x {damage:?}");
            let code = out.status.code();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let mut wrong = Vec::new();
            if cell.dir.path().join(MARKER).exists() {
                wrong.push("the deploy command ran".to_string());
            }
            if !matches!(code, Some(2 | 3)) {
                wrong.push(format!("exit {code:?}, not 2 or 3"));
            }
            if damage == Damage::Missing && code != Some(fault.exit_alone()) {
                wrong.push(format!("exit {code:?}, not {}", fault.exit_alone()));
            }
            if stderr.contains("panicked") {
                wrong.push("preflight panicked".to_string());
            }
            for (path, entry) in &before {
                match after.get(path) {
                    Some(now) if now == entry => {}
                    Some(_) => wrong.push(format!("{} changed", path.display())),
                    None => wrong.push(format!("{} disappeared", path.display())),
                }
            }
            for path in after.keys().filter(|p| !before.contains_key(*p)) {
                wrong.push(format!("{} appeared", path.display()));
            }
            if !wrong.is_empty() {
                failures.push(format!(
                    "{name}: {}\n    stdout: {}\n    stderr: {}",
                    wrong.join("; "),
                    String::from_utf8_lossy(&out.stdout)
                        .lines()
                        .rev()
                        .take(4)
                        .collect::<Vec<_>>()
                        .join(" | "),
                    stderr.trim()
                ));
            }
        }
    }
    assert_eq!(cells, FAULTS.len() * DAMAGES.len());
    assert!(
        failures.is_empty(),
        "{} of {cells} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
