//! Input that is not a regular file, or is larger than the limit, is refused quickly and
//! by name: `/dev/zero`, a FIFO nobody writes to, a directory, a sparse 200 MiB file,
//! named as a template, a rules file, a Rego file, a baseline or the configuration.
//!
//! Each run has a timeout: a run that would hang (blocked on a FIFO, reading /dev/zero
//! forever) is killed and the test fails, instead of hanging the suite.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{fixture, preflight};

/// Far beyond what a refusal takes, far below "forever".
const TIMEOUT: Duration = Duration::from_secs(60);

struct Run {
    code: Option<i32>,
    output: String,
}

fn check(dir: &Path, args: &[&str], extra: &[&Path]) -> Run {
    let output = preflight()
        .current_dir(dir)
        .args(["check", "--sam", "off"])
        .args(args)
        .args(extra)
        .timeout(TIMEOUT)
        .output()
        .unwrap_or_else(|e| panic!("preflight check {args:?} {extra:?} did not finish: {e}"));
    Run {
        code: output.status.code(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    path
}

fn assert_refused(run: &Run, path: &Path, what: &str) {
    assert_eq!(run.code, Some(2), "{}", run.output);
    assert!(
        run.output.contains(&path.display().to_string()),
        "the error names {}: {}",
        path.display(),
        run.output
    );
    assert!(run.output.contains(what), "{what}: {}", run.output);
}

#[test]
fn dev_zero_as_a_template_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zero = Path::new("/dev/zero");
    let run = check(dir.path(), &[], &[zero]);
    assert_refused(&run, zero, "a character device, not a regular file");
}

#[test]
fn a_fifo_as_a_template_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "template.yaml");
    let run = check(dir.path(), &[], &[&pipe]);
    assert_refused(&run, &pipe, "a FIFO (named pipe), not a regular file");
}

#[test]
fn a_directory_as_a_template_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("template.yaml");
    std::fs::create_dir(&sub).unwrap();
    let run = check(dir.path(), &[], &[&sub]);
    assert_refused(&run, &sub, "a directory, not a regular file");
}

#[test]
fn an_oversized_template_is_refused_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    // Sparse: 200 MiB on paper, nothing on disk; refused by size, never read.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    let run = check(dir.path(), &[], &[&big]);
    assert_refused(&run, &big, "209715200 bytes, over the limit");
}

#[test]
fn dev_zero_and_fifos_as_rules_rego_and_config_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let template = fixture("clean.yaml");
    let zero = Path::new("/dev/zero");
    for flag in ["--rules", "--rego", "--config"] {
        let run = check(dir.path(), &[flag, "/dev/zero"], &[&template]);
        assert_refused(&run, zero, "not a regular file");
        let pipe = fifo(
            dir.path(),
            &format!("{}.pipe", flag.trim_start_matches('-')),
        );
        let run = check(dir.path(), &[flag, pipe.to_str().unwrap()], &[&template]);
        assert_refused(&run, &pipe, "a FIFO (named pipe), not a regular file");
    }
}

#[test]
fn a_fifo_as_the_baseline_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "old.yaml");
    let run = check(
        dir.path(),
        &["--baseline", pipe.to_str().unwrap()],
        &[&fixture("clean.yaml")],
    );
    assert!(
        run.output.contains(&pipe.display().to_string()) && run.output.contains("FIFO"),
        "{}",
        run.output
    );
    assert_ne!(run.code, Some(0), "{}", run.output);
}

#[test]
fn audit_reports_template_files_it_cannot_read_or_recognise() {
    let dir = tempfile::tempdir().unwrap();
    let make = |sub: &str| {
        let d = dir.path().join(sub);
        std::fs::create_dir_all(&d).unwrap();
        d.join("template.yaml")
    };
    std::fs::write(make("empty"), "").unwrap();
    // "Resources:" in UTF-16 LE with a byte-order mark.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "Resources:\n  T:\n    Type: AWS::SNS::Topic\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    std::fs::write(make("utf16"), utf16).unwrap();
    let pipe = make("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(status.success());
    // Not a template by name or content: still skipped.
    std::fs::write(dir.path().join("empty/values.yaml"), "").unwrap();
    let output = preflight()
        .current_dir(dir.path())
        .args(["audit", "--sam", "off", "--format", "json", "."])
        .timeout(TIMEOUT)
        .output()
        .expect("audit did not finish");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut seen: Vec<(String, String)> = report["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["path"].as_str().unwrap().to_string(),
                t["error"]["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    seen.sort();
    let paths: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "./empty/template.yaml",
            "./fifo/template.yaml",
            "./utf16/template.yaml"
        ],
        "{seen:?}"
    );
    assert!(seen[0].1.contains("empty"), "{seen:?}");
    assert!(seen[1].1.contains("FIFO"), "{seen:?}");
    assert!(seen[2].1.contains("UTF-8"), "{seen:?}");
}

#[test]
fn invalid_utf8_is_shown_at_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin.yaml");
    std::fs::write(&bin, b"Resources:\n  A: \xff\n").unwrap();
    let run = check(dir.path(), &[], &[&bin]);
    assert_eq!(run.code, Some(2), "{}", run.output);
    // `  A: ` is five characters: the bad byte is the sixth.
    assert!(
        run.output.contains(&format!("{}:2:6", bin.display())),
        "{}",
        run.output
    );
}

/// A `git:` baseline is read like a file: through the loader's limit plus one byte. A
/// `git` that writes 20 MB and then stays (as a huge blob would, were git slow) is cut
/// off at the limit and ended, and the error names the limit; reading all it writes
/// would take until it exits, past the timeout.
#[test]
fn a_git_baseline_over_the_limit_is_cut_off_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let git = bin.join("git");
    std::fs::write(
        &git,
        "#!/bin/sh\nhead -c 20000000 /dev/zero | tr '\\0' a\nexec sleep 120\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    let template = dir.path().join("template.yaml");
    std::fs::copy(fixture("clean.yaml"), &template).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let started = std::time::Instant::now();
    let output = preflight()
        .current_dir(dir.path())
        .env("PATH", path)
        .args(["check", "--sam", "off", "--baseline", "git:HEAD"])
        .arg(&template)
        .timeout(TIMEOUT)
        .output()
        .expect("check with a git baseline did not finish");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_ne!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("baseline git:HEAD:./template.yaml")
            && text.contains("over the limit of 5242880 bytes"),
        "{text}"
    );
    assert!(started.elapsed() < Duration::from_secs(100), "{text}");
}
