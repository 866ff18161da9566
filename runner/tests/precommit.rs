//! The pre-commit hook (`.pre-commit-hooks.yaml`), run by the real `pre-commit` (in
//! target/venv; `make test-deps`) in a temporary git repository that uses this
//! checkout's hooks: a bad template blocks the commit, a good one passes.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, workspace};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pre-commit run --all-files` in `repo`: exit code and output.
fn pre_commit(repo: &Path, home: &Path) -> (i32, String) {
    let tool = workspace().join("target/venv/bin/pre-commit");
    assert!(
        tool.is_file(),
        "{} is missing: run `make test-deps`",
        tool.display()
    );
    let bin = assert_cmd::cargo::cargo_bin("preflight");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(tool)
        .current_dir(repo)
        .args(["run", "--all-files", "--color", "never"])
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("PREFLIGHT_CACHE_DIR", workspace().join("target/test-cache"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn hook_blocks_a_bad_template_and_passes_a_good_one() {
    // The hooks repository: this checkout's .pre-commit-hooks.yaml, committed.
    let hooks = tempfile::tempdir().unwrap();
    std::fs::copy(
        workspace().join(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(hooks.path(), &["init", "-q"]);
    git(hooks.path(), &["add", "."]);
    git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
    let rev = String::from_utf8(
        Command::new("git")
            .current_dir(hooks.path())
            .args(["rev-parse", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();

    let repo = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    std::fs::write(
        repo.path().join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: preflight-check\n",
            hooks.path().display(),
            rev.trim()
        ),
    )
    .unwrap();
    // A YAML file that is not a template is passed over.
    std::fs::write(repo.path().join("config.yaml"), "name: not a template\n").unwrap();
    std::fs::copy(fixture("clean.yaml"), repo.path().join("template.yaml")).unwrap();
    git(repo.path(), &["add", "."]);
    let (code, out) = pre_commit(repo.path(), home.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("preflight check") && out.contains("Passed"),
        "{out}"
    );

    std::fs::copy(fixture("missing-sub.yaml"), repo.path().join("queue.yaml")).unwrap();
    git(repo.path(), &["add", "."]);
    let (code, out) = pre_commit(repo.path(), home.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(
        out.contains("queue.yaml:12"),
        "the finding with its line: {out}"
    );
    assert!(out.contains("DeadLetters"), "{out}");
}
