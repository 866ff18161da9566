//! The gate cannot be bypassed (issue 8): each way a deploy got through, wrote where
//! nobody asked, or lost its record, reproduced on a small project whose deploy
//! command only touches `deployed.marker`, so each test sees whether it ran.
//!
//! The tests may run as root, where permissions do not stop a write: damage is made
//! with a directory in place of a file, a file in place of a directory, a symbolic
//! link, or a path under a regular file instead.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{fixture, preflight};

const MARKER: &str = "deployed.marker";
const STACK: &str = "gate-app";

/// A project: the clean fixture's template and a deploy command that leaves a marker.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("deploy/clean/template.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("preflight.toml"),
        format!(
            "[deploy]\nstack = \"{STACK}\"\nverify = false\ncommand = [\"touch\", \"{MARKER}\"]\n\n[sam]\nmode = \"off\"\n"
        ),
    )
    .unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    preflight()
        .current_dir(dir)
        .args(args)
        .write_stdin("")
        .env("USER", "tester")
        .output()
        .unwrap()
}

fn deploy(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    run(dir, &all)
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn deployed(dir: &Path) -> bool {
    dir.join(MARKER).exists()
}

fn state_file(dir: &Path) -> PathBuf {
    dir.join(".preflight/state").join(format!("{STACK}.json"))
}

#[test]
fn an_unknown_policy_name_is_an_error() {
    let dir = project();
    let out = run(
        dir.path(),
        &["check", "--policy", "nosuchpolicy", "template.yaml"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--policy nosuchpolicy: no such policy"),
        "{err}"
    );
    assert!(err.contains("template"), "the known names: {err}");

    let out = deploy(dir.path(), &["--policy", "nosuchpolicy"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!deployed(dir.path()));

    let out = run(
        dir.path(),
        &["check", "--policy", "templat", "template.yaml"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did you mean `template`?"),
        "{}",
        text(&out)
    );

    // Known, but not running here (the guard policy has no rules): still not zero policies.
    let out = deploy(dir.path(), &["--policy", "guard"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not run"),
        "{}",
        text(&out)
    );
    assert!(!deployed(dir.path()));
}

#[test]
fn a_recorded_baseline_that_is_not_a_regular_file_blocks() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["template.yaml", "broadened.yaml"] {
        std::fs::copy(fixture("deploy/iam").join(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(
        dir.path().join("preflight.toml"),
        format!(
            "[deploy]\nstack = \"{STACK}\"\nverify = false\ncommand = [\"touch\", \"{MARKER}\"]\n\n[sam]\nmode = \"off\"\n"
        ),
    )
    .unwrap();
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::remove_file(dir.path().join(MARKER)).unwrap();
    std::fs::copy(
        dir.path().join("broadened.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    let baseline = std::fs::read(state_file(dir.path())).unwrap();

    // A directory in its place: not a first deploy whose approval can be skipped.
    std::fs::remove_file(state_file(dir.path())).unwrap();
    std::fs::create_dir(state_file(dir.path())).unwrap();
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(!deployed(dir.path()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("the recorded baseline .preflight/state/gate-app.json cannot be read"),
        "{}",
        text(&out)
    );
    assert!(stdout.contains("directory"), "{}", text(&out));

    // A link to a copy of the real one: not followed either.
    std::fs::remove_dir(state_file(dir.path())).unwrap();
    let elsewhere = dir.path().join("elsewhere.json");
    std::fs::write(&elsewhere, &baseline).unwrap();
    std::os::unix::fs::symlink(&elsewhere, state_file(dir.path())).unwrap();
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(!deployed(dir.path()));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("symbolic link"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&elsewhere).unwrap(), baseline);
}

#[test]
fn an_output_path_that_cannot_be_written_stops_the_deploy_before_its_command() {
    let dir = project();
    std::fs::create_dir(dir.path().join("a-directory")).unwrap();
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    for (output, why) in [
        ("/nonexistent/r.json", "cannot be created"),
        ("a-directory", "is a directory"),
        ("a-file/r.json", "cannot be"),
    ] {
        let out = deploy(dir.path(), &["--format", "json", "-o", output]);
        assert_eq!(out.status.code(), Some(2), "{output}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("--output {output}: {why}")),
            "{output}: {err}"
        );
        assert!(!deployed(dir.path()), "{output}: the command ran");
    }
    // A writable one: the report is there afterwards.
    let out = deploy(dir.path(), &["--format", "json", "-o", "report.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(deployed(dir.path()));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["outcome"], "deployed");
}

#[test]
fn an_audit_log_that_cannot_be_written_stops_the_deploy_before_its_command() {
    let dir = project();
    std::fs::create_dir_all(dir.path().join(".preflight/audit.jsonl")).unwrap();
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".preflight/audit.jsonl"), "{err}");
    assert!(err.contains("directory"), "{err}");
    assert!(!deployed(dir.path()));
    assert!(!state_file(dir.path()).exists());
}

#[test]
fn state_lock_and_log_are_never_written_through_links() {
    let dir = project();
    let victim = dir.path().join("passwd-copy");
    std::fs::write(&victim, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let locks = dir.path().join(".preflight/locks");
    std::fs::create_dir_all(&locks).unwrap();

    let lock = locks.join(format!("{STACK}.lock"));
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("gate-app.lock") && err.contains("symbolic link"),
        "{err}"
    );
    assert!(!deployed(dir.path()));
    std::fs::remove_file(&lock).unwrap();

    let log = dir.path().join(".preflight/audit.jsonl");
    let _ = std::fs::remove_file(&log);
    std::os::unix::fs::symlink(&victim, &log).unwrap();
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("audit.jsonl") && err.contains("symbolic link"),
        "{err}"
    );
    assert!(!deployed(dir.path()));
    std::fs::remove_file(&log).unwrap();

    // The directories too: `state/` linked elsewhere would put the baseline there.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let _ = std::fs::remove_dir(dir.path().join(".preflight/state"));
    std::os::unix::fs::symlink(&elsewhere, dir.path().join(".preflight/state")).unwrap();
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out)
    );
    assert!(!deployed(dir.path()));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "root:x:0:0:root:/root:/bin/bash\n"
    );
}

#[test]
fn a_git_revision_that_looks_like_an_option_is_refused() {
    let dir = project();
    for args in [
        &["init", "-q", "."][..],
        &["add", "template.yaml"],
        &[
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "t",
        ],
    ] {
        let status = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
    let written = dir.path().join("written-by-git");
    let spec = format!("git:--output={}:template.yaml", written.display());
    let out = run(dir.path(), &["check", "--baseline", &spec, "template.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a revision"),
        "{}",
        text(&out)
    );
    let out = deploy(dir.path(), &["--baseline", &spec]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!deployed(dir.path()));
    // git would have written `written-by-git:template.yaml`.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("written-by-git"))
        .collect();
    assert!(names.is_empty(), "git wrote {names:?}");
}

#[test]
fn a_background_job_of_the_command_is_waited_for_before_verifying() {
    let dir = project();
    let out = deploy(
        dir.path(),
        &[
            "--format",
            "json",
            "--",
            "sh",
            "-c",
            "(sleep 4; echo UPDATE_FAILED) & echo hi",
        ],
    );
    // The job's failure output arrives after the command exited: it is seen.
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "failed", "{report:#}");
    assert!(
        !report["deploy"]["stragglers"]
            .as_array()
            .map(Vec::is_empty)
            .unwrap_or(true),
        "{:#}",
        report["deploy"]
    );
    assert!(
        report["deploy"]["output_tail"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "UPDATE_FAILED"),
        "{:#}",
        report["deploy"]
    );
    assert!(!state_file(dir.path()).exists());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("before verifying"),
        "{}",
        text(&out)
    );
}

#[test]
fn after_kill_9_the_orphaned_command_is_found_and_the_start_was_audited() {
    let dir = project();
    let late = dir.path().join("late");
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin("preflight"))
        .current_dir(dir.path())
        .env(
            "PREFLIGHT_CACHE_DIR",
            common::workspace().join("target/test-cache"),
        )
        .args(["deploy", "--", "sh", "-c"])
        .arg(format!("sleep 5; touch {}", late.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = dir
        .path()
        .join(".preflight/locks")
        .join(format!("{STACK}.lock"));
    // Wait (bounded) for the command to be under way: its group is in the lock.
    let mut pgid = None;
    for _ in 0..600 {
        if let Some(n) = std::fs::read_to_string(&lock).ok().and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("command-pgid ").map(str::to_string))
        }) {
            pgid = n.trim().parse::<i32>().ok();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let pgid = pgid.expect("the first deploy never recorded its command");
    first.kill().unwrap();
    first.wait().unwrap();

    let log = std::fs::read_to_string(dir.path().join(".preflight/audit.jsonl")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(entry["event"], "start", "{log}");
    assert_eq!(entry["stack"], STACK);

    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("still running"), "{err}");
    assert!(err.contains(&format!("process group {pgid}")), "{err}");
    assert!(!deployed(dir.path()));

    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(pgid),
        nix::sys::signal::Signal::SIGKILL,
    );
    assert!(!late.exists());
}

/// Runs preflight with its standard output already closed by the reader (`| head`).
fn with_closed_stdout(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("preflight"))
        .current_dir(dir)
        .env(
            "PREFLIGHT_CACHE_DIR",
            common::workspace().join("target/test-cache"),
        )
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_is_a_normal_end() {
    let dir = project();
    let (code, err) = with_closed_stdout(dir.path(), &["policy", "new", "acme"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    let (code, err) =
        with_closed_stdout(dir.path(), &["check", "--format", "json", "template.yaml"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
    // Every other command that writes to standard output (`init` in a directory with no
    // preflight.toml yet).
    std::fs::create_dir(dir.path().join("fresh")).unwrap();
    std::fs::copy(
        dir.path().join("template.yaml"),
        dir.path().join("fresh/template.yaml"),
    )
    .unwrap();
    for args in [
        &["init", "--print", "--dir", "fresh"][..],
        &["config", "schema"],
        &["completions", "bash"],
        &["man"],
        &["policy", "list"],
        &["diff", "template.yaml", "template.yaml"],
    ] {
        let (code, err) = with_closed_stdout(dir.path(), args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
    // A deploy goes on and says how it ended by its status.
    let (code, err) = with_closed_stdout(dir.path(), &["deploy"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(deployed(dir.path()));
}

#[test]
fn a_policy_file_that_is_not_a_component_is_a_configuration_error() {
    let dir = project();
    let wasm = dir.path().join("acme.wasm");
    std::fs::write(&wasm, vec![0x42u8; 4096]).unwrap();
    let sha = common::sha256(&wasm);
    let mut config = std::fs::read_to_string(dir.path().join("preflight.toml")).unwrap();
    config.push_str(&format!(
        "\n[policies.acme]\npath = \"acme.wasm\"\nsha256 = \"{sha}\"\n"
    ));
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    let out = run(dir.path(), &["check", "template.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("acme.wasm is not a preflight policy component"),
        "{err}"
    );
    assert!(err.lines().count() <= 3, "{err}");
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!deployed(dir.path()));
}

#[test]
fn policy_test_fails_an_expectation_about_a_rule_that_does_not_exist() {
    let dir = project();
    std::fs::write(
        dir.path().join("cases.yaml"),
        "- name: a rule that is not there\n  template: template.yaml\n  rules:\n    TPL9999: skip\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["policy", "test", "--policy", "template", "-t", "cases.yaml"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("rule TPL9999 is not a rule of policy"),
        "{}",
        text(&out)
    );
}

#[test]
fn unknown_rule_ids_are_refused_where_they_are_written() {
    let dir = project();
    let base = std::fs::read_to_string(dir.path().join("preflight.toml")).unwrap();
    let lines = base.lines().count();
    for (extra, id, line) in [
        (
            "\n[policies.template]\nrule.TPL9999 = { severity = \"high\" }\n",
            "TPL9999",
            lines + 3,
        ),
        (
            "\n[policies.template]\ndisable = [\"TPL001\", \"TPL0O2\"]\n",
            "TPL0O2",
            lines + 3,
        ),
    ] {
        std::fs::write(dir.path().join("preflight.toml"), format!("{base}{extra}")).unwrap();
        let out = run(dir.path(), &["check", "template.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("`{id}` is not a rule of policy `template`")),
            "{err}"
        );
        assert!(err.contains(&format!("preflight.toml:{line}:")), "{err}");
        assert!(err.contains("did you mean `TPL"), "{err}");
        let out = deploy(dir.path(), &[]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(!deployed(dir.path()));
    }
    std::fs::write(dir.path().join("preflight.toml"), &base).unwrap();
    let out = deploy(
        dir.path(),
        &["--override", "SEC9999", "--reason", "reviewed"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--override SEC9999: no policy that runs has a rule `SEC9999`"),
        "{}",
        text(&out)
    );
    assert!(!deployed(dir.path()));
}

#[test]
fn the_readme_rule_is_what_policy_new_writes_and_the_crate_has_no_absolute_path() {
    let readme = std::fs::read_to_string(common::workspace().join("README.md")).unwrap();
    let section = readme
        .split("## Writing a policy")
        .nth(1)
        .expect("README has a `Writing a policy` section");
    let id = section
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("id: \"")
                .and_then(|r| r.split('"').next())
        })
        .expect("the README's rule has an id")
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["policy", "new", "acme"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rule =
        std::fs::read_to_string(dir.path().join("acme/src/rules/bucket_versioning.rs")).unwrap();
    assert!(
        rule.contains(&format!("id: \"{id}\"")),
        "the README says {id}; policy new writes:\n{rule}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("acme/Cargo.toml")).unwrap();
    let guest = common::workspace().join("guest");
    let path = manifest
        .lines()
        .find_map(|l| l.strip_prefix("preflight-policy = { path = \""))
        .and_then(|r| r.split('"').next())
        .expect("the SDK dependency");
    assert!(!path.starts_with('/'), "{path}");
    assert_eq!(
        dir.path().join("acme").join(path).canonicalize().unwrap(),
        guest,
        "{path}"
    );
}

#[test]
fn the_reason_sam_validate_did_not_run_is_always_said() {
    let dir = project();
    let out = run(dir.path(), &["check", "--sam", "off", "template.yaml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("sam validate: not run, turned off by --sam off"),
        "{}",
        text(&out)
    );
    // The project's preflight.toml says `mode = "off"`.
    let out = run(dir.path(), &["check", "template.yaml"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("sam validate: not run, turned off by `mode = \"off\"` under [sam]"),
        "{}",
        text(&out)
    );
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("sam validate not run: turned off by `mode = \"off\"` under [sam]"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_component_under_a_built_in_name_is_refused() {
    let dir = project();
    let wasm = dir.path().join("mine.wasm");
    std::fs::write(&wasm, b"\0asm").unwrap();
    let sha = common::sha256(&wasm);
    let mut config = std::fs::read_to_string(dir.path().join("preflight.toml")).unwrap();
    config.push_str(&format!(
        "\n[policies.template]\npath = \"mine.wasm\"\nsha256 = \"{sha}\"\n"
    ));
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    let out = run(dir.path(), &["check", "template.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("[policies.template] sets `path`, but `template` is a built-in policy"),
        "{}",
        text(&out)
    );
    let out = deploy(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!deployed(dir.path()));
}
