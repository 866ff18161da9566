//! `preflight deploy` end to end on fixture projects (runner/tests/fixtures/deploy/):
//! each project's Makefile `play` target leaves `deployed.marker` instead of deploying,
//! so the tests see whether the command ran, and what was recorded in `.preflight/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{fixture, json_of, preflight};
use serde_json::Value;

const MARKER: &str = "deployed.marker";

/// A copy of a fixture project in a temporary directory.
fn project(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("deploy").join(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `preflight deploy ARGS` in `dir`, with no terminal on standard input.
fn deploy(dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = preflight();
    cmd.current_dir(dir)
        .arg("deploy")
        .args(args)
        .write_stdin("")
        .env_remove("PREFLIGHT_APPROVER")
        .env("USER", "tester");
    cmd
}

/// `preflight deploy --format json ARGS`: exit code and report.
fn deploy_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    json_of(&mut deploy(dir, &all))
}

fn state(dir: &Path, stack: &str) -> PathBuf {
    dir.join(".preflight/state").join(format!("{stack}.json"))
}

/// The audit log's end-of-run entries (each command's start has its own entry too).
fn audit(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join(".preflight/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["event"] != "start")
        .collect()
}

fn policy<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["gate"]["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no policy {id}: {:#}", report["gate"]["policies"]))
}

fn phases(report: &Value) -> Vec<String> {
    report["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_clean_template_deploys_and_is_recorded() {
    let dir = project("clean");
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert!(dir.path().join(MARKER).exists());
    assert_eq!(report["outcome"], "deployed");
    assert_eq!(report["exit_code"], 0);
    assert_eq!(report["stack"], "clean-app");
    assert_eq!(report["command"], "make play");
    assert_eq!(
        phases(&report),
        ["load", "check", "approval", "deploy", "verify", "record"]
    );
    // Other built-ins may warn (nothing blocks); the template policy passes.
    assert_ne!(report["gate"]["verdict"], "fail");
    assert_eq!(policy(&report, "template")["outcome"], "pass");
    assert_eq!(report["security"]["compared"], false);
    assert_eq!(report["deploy"]["exit_code"], 0);
    assert!(
        report["deploy"]["output_tail"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "deploying clean-app from template.yaml"),
        "{:#}",
        report["deploy"]
    );
    assert_eq!(report["verify"]["status"], "passed");
    assert_eq!(report["state"]["written"], true);
    assert!(!report["next_steps"].as_array().unwrap().is_empty());

    // The state is the canonical template, loadable as a baseline.
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(state(dir.path(), "clean-app")).unwrap())
            .unwrap();
    assert_eq!(
        saved["Resources"]["Reader"]["Type"],
        "AWS::Serverless::Function"
    );
    assert_eq!(
        saved["Resources"]["Reader"]["Properties"]["Environment"]["Variables"]["BUCKET"],
        serde_json::json!({"Ref": "Bucket"})
    );
    let log = audit(dir.path());
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["outcome"], "deployed");
    assert_eq!(log[0]["user"], "tester");
    assert_eq!(log[0]["state_written"], true);

    // Deploying the same template again: compared, nothing changed, no approval needed.
    std::fs::remove_file(dir.path().join(MARKER)).unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["security"]["compared"], true);
    assert_eq!(report["security"]["changes"]["count"], 0);
    assert_eq!(report["security"]["approval"]["status"], "not-required");
    assert!(dir.path().join(MARKER).exists());
    assert_eq!(audit(dir.path()).len(), 2);
}

#[test]
fn a_hard_mandatory_violation_blocks_before_the_command() {
    let dir = project("violation");
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 3, "{report:#}");
    assert!(!dir.path().join(MARKER).exists());
    assert!(!state(dir.path(), "violation-app").exists());
    assert_eq!(report["outcome"], "blocked");
    assert_eq!(report["deploy"], Value::Null);
    assert_eq!(report["gate"]["verdict"], "fail");
    assert_eq!(policy(&report, "template")["outcome"], "fail");
    let finding = &report["gate"]["check"]["templates"][0]["findings"][0];
    assert_eq!(finding["rule"], "TPL001");
    assert_eq!(finding["enforcement"], "hard-mandatory");
    assert_eq!(finding["blocking"], true);
    assert!(
        report["reasons"][0]
            .as_str()
            .unwrap()
            .contains("hard-mandatory"),
        "{:#}",
        report["reasons"]
    );
    assert_eq!(audit(dir.path())[0]["outcome"], "blocked");

    // An override cannot lift a hard-mandatory finding.
    let (code, _) = deploy_json(
        dir.path(),
        &["--override", "TPL001", "--reason", "just this once"],
    );
    assert_eq!(code, 3);
    assert!(!dir.path().join(MARKER).exists());

    // The human report points at the line and says the command did not start.
    let out = deploy(dir.path(), &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[TPL001]"), "{text}");
    assert!(text.contains("template.yaml:34:19"), "{text}");
    assert!(
        text.contains("BLOCKED (the deploy command was not started) (exit 3)"),
        "{text}"
    );
}

#[test]
fn a_soft_mandatory_finding_deploys_with_an_override_and_its_reason_is_audited() {
    let dir = project("violation");
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[deploy]\nstack = \"soft-app\"\nverify = false\n\n[sam]\nmode = \"off\"\n\n\
         [policies.template]\nenforcement = \"soft-mandatory\"\n",
    )
    .unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 3, "{report:#}");
    assert!(!dir.path().join(MARKER).exists());
    let steps = report["next_steps"].to_string();
    assert!(steps.contains("--override TPL001 --reason"), "{steps}");

    let (code, report) = deploy_json(
        dir.path(),
        &[
            "--override",
            "TPL001",
            "--reason",
            "bucket comes from another stack",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert!(dir.path().join(MARKER).exists());
    assert_eq!(report["gate"]["overrides"][0]["rule"], "TPL001");
    assert_eq!(report["gate"]["overrides"][0]["findings"], 1);
    let log = audit(dir.path());
    let last = log.last().unwrap();
    assert_eq!(last["outcome"], "deployed");
    assert_eq!(last["overrides"][0]["rule"], "TPL001");
    assert_eq!(
        last["overrides"][0]["reason"],
        "bucket comes from another stack"
    );
}

#[test]
fn a_broadening_iam_change_needs_approval_by_its_exact_digest() {
    let dir = project("iam");
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    let first_state = std::fs::read(state(dir.path(), "iam-app")).unwrap();
    std::fs::remove_file(dir.path().join(MARKER)).unwrap();

    // Add an IAM statement: broadening, no terminal, no --approve: blocked.
    std::fs::copy(
        dir.path().join("broadened.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 3, "{report:#}");
    assert!(!dir.path().join(MARKER).exists());
    let security = &report["security"];
    assert_eq!(security["compared"], true);
    assert_eq!(security["changes"]["broadening"], true);
    assert_eq!(security["approval"]["required"], true);
    assert_eq!(security["approval"]["status"], "missing");
    let digest = security["changes"]["digest"].as_str().unwrap().to_string();
    assert_eq!(digest.len(), 64, "{digest}");
    let change = &security["changes"]["changes"][0];
    assert_eq!(change["category"], "iam-statement");
    assert_eq!(change["broadening"], true);
    assert!(
        security["approve_command"]
            .as_str()
            .unwrap()
            .ends_with(&format!("deploy --format json --approve {digest}")),
        "{security:#}"
    );
    assert_eq!(
        std::fs::read(state(dir.path(), "iam-app")).unwrap(),
        first_state
    );

    // The human report shows the table, the digest and the command to run.
    let out = deploy(dir.path(), &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("IAM Statement Changes"), "{text}");
    assert!(text.contains("s3:PutObject"), "{text}");
    assert!(
        text.contains(&format!("deploy --approve {digest}")),
        "{text}"
    );

    // A wrong digest blocks.
    let wrong = format!("{}0", &digest[..63]);
    let (code, report) = deploy_json(dir.path(), &["--approve", &wrong]);
    assert_eq!(code, 3, "{report:#}");
    assert_eq!(report["security"]["approval"]["status"], "mismatch");
    assert!(!dir.path().join(MARKER).exists());

    // The printed digest deploys, and the approval is audited with its reason.
    let (code, report) = deploy_json(
        dir.path(),
        &["--approve", &digest, "--approve-reason", "uploads need it"],
    );
    assert_eq!(code, 0, "{report:#}");
    assert!(dir.path().join(MARKER).exists());
    assert_eq!(report["security"]["approval"]["status"], "approved");
    assert_eq!(report["security"]["approval"]["approved"]["by"], "tester");
    let saved = std::fs::read_to_string(state(dir.path(), "iam-app")).unwrap();
    assert!(saved.contains("s3:PutObject"), "{saved}");
    let log = audit(dir.path());
    let last = log.last().unwrap();
    assert_eq!(last["approval"]["digest"], digest.as_str());
    assert_eq!(last["approval"]["method"], "digest");
    assert_eq!(last["approval"]["reason"], "uploads need it");
    assert_eq!(last["security"]["broadening"], true);

    // Against the new baseline, the old digest is stale for a further change.
    std::fs::remove_file(dir.path().join(MARKER)).unwrap();
    let text = std::fs::read_to_string(dir.path().join("template.yaml"))
        .unwrap()
        .replace("Action: s3:PutObject", "Action: s3:DeleteObject");
    std::fs::write(dir.path().join("template.yaml"), text).unwrap();
    let (code, report) = deploy_json(dir.path(), &["--approve", &digest]);
    assert_eq!(code, 3, "{report:#}");
    assert_eq!(report["security"]["approval"]["status"], "mismatch");
    assert!(!dir.path().join(MARKER).exists());

    // --require-approval never lets it through.
    let (code, report) = deploy_json(dir.path(), &["--require-approval", "never"]);
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn a_failing_deploy_exits_4_and_keeps_the_previous_state() {
    let dir = project("failing");
    std::fs::write(dir.path().join("ok.flag"), "").unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    let before = std::fs::read(state(dir.path(), "failing-app")).unwrap();

    std::fs::remove_file(dir.path().join("ok.flag")).unwrap();
    std::fs::remove_file(dir.path().join(MARKER)).unwrap();
    let text = std::fs::read_to_string(dir.path().join("template.yaml")).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        text.replace("A small, clean fixture application.", "Changed."),
    )
    .unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["deploy"]["exit_code"], 2);
    assert_eq!(report["verify"]["status"], "failed");
    assert_eq!(report["verify"]["markers"][0]["marker"], "Error:");
    assert_eq!(report["state"]["written"], false);
    assert_eq!(
        std::fs::read(state(dir.path(), "failing-app")).unwrap(),
        before
    );
    let steps = report["next_steps"].to_string();
    assert!(steps.contains("previous baseline was kept"), "{steps}");
    assert_eq!(audit(dir.path()).last().unwrap()["outcome"], "failed");
}

#[test]
fn failure_markers_fail_a_deploy_that_exits_0() {
    let dir = project("clean");
    let (code, report) = deploy_json(
        dir.path(),
        &[
            "--",
            "sh",
            "-c",
            "echo 'Bucket  CREATE_FAILED  already exists'; exit 0",
        ],
    );
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["deploy"]["exit_code"], 0);
    assert_eq!(report["verify"]["markers"][0]["marker"], "CREATE_FAILED");
    assert!(!state(dir.path(), "clean-app").exists());
}

#[test]
fn a_command_that_cannot_start_is_a_clear_failure() {
    let dir = project("clean");
    let (code, report) = deploy_json(dir.path(), &["--", "/nonexistent/deploy-tool", "--go"]);
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["deploy"]["started"], false);
    let error = report["deploy"]["start_error"].as_str().unwrap();
    assert!(
        error.contains("/nonexistent/deploy-tool") && error.contains("not found"),
        "{error}"
    );
    assert!(!state(dir.path(), "clean-app").exists());
}

#[test]
fn bad_input_is_exit_2_and_never_starts_the_command() {
    let dir = project("clean");
    for args in [
        vec!["--template", "missing.yaml"],
        vec!["--timeout", "soon"],
        vec!["--stack", "not_valid!"],
        vec!["--override", "TPL001"],
    ] {
        let out = deploy(dir.path(), &args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.trim().is_empty(), "{args:?}: no message");
        assert!(
            !dir.path().join(MARKER).exists(),
            "{args:?} started the command"
        );
    }
    // A template that does not parse: the location is reported, the command never runs.
    std::fs::write(
        dir.path().join("template.yaml"),
        "Resources:\n  A: [unclosed\n",
    )
    .unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(report["outcome"], "error");
    assert!(report["gate"]["load_error"]["line"].as_u64().unwrap() >= 2);
    assert!(!dir.path().join(MARKER).exists());
    // An unknown configuration key.
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[deploy]\nstak = \"x\"\n",
    )
    .unwrap();
    let out = deploy(dir.path(), &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stak"));
    assert!(!dir.path().join(MARKER).exists());
}

#[test]
fn target_comes_from_samconfig_and_the_command_from_the_command_line() {
    let dir = project("clean");
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[deploy]\nverify = false\n[sam]\nmode = \"off\"\n",
    )
    .unwrap();
    std::fs::rename(
        dir.path().join("template.yaml"),
        dir.path().join("app.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("samconfig.toml"),
        "version = 0.1\n[default.deploy.parameters]\nstack_name = \"from-samconfig\"\ntemplate_file = \"app.yaml\"\n",
    )
    .unwrap();
    let (code, report) = deploy_json(
        dir.path(),
        &[
            "--",
            "sh",
            "-c",
            "touch custom.marker && echo \"$PREFLIGHT_STACK_NAME\"",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["stack"], "from-samconfig");
    assert_eq!(report["template"], "app.yaml");
    assert!(dir.path().join("custom.marker").exists());
    assert!(!dir.path().join(MARKER).exists());
    assert_eq!(report["deploy"]["output_tail"][0], "from-samconfig");
    assert!(state(dir.path(), "from-samconfig").exists());
}

#[test]
fn the_timeout_stops_the_command() {
    let dir = project("slow");
    let started = Instant::now();
    let (code, report) = deploy_json(dir.path(), &["--timeout", "1s"]);
    assert_eq!(code, 4, "{report:#}");
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(report["deploy"]["timed_out"], true);
    assert!(!state(dir.path(), "slow-app").exists());
    assert_process_gone(dir.path());
}

fn read_pid(dir: &Path) -> Option<i32> {
    std::fs::read_to_string(dir.join("play.pid"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn assert_process_gone(dir: &Path) {
    let pid = read_pid(dir).expect("play.pid was written");
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the deploy command's process {pid} is still running");
}

#[test]
fn sigint_stops_the_command_and_writes_no_state_and_a_second_deploy_is_locked_out() {
    let dir = project("slow");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("preflight"))
        .current_dir(dir.path())
        .args(["deploy", "--format", "json"])
        .env(
            "PREFLIGHT_CACHE_DIR",
            common::workspace().join("target/test-cache"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while read_pid(dir.path()).is_none() {
        assert!(
            Instant::now() < deadline,
            "the deploy command never started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "preflight exited early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The same stack cannot be deployed twice at once.
    let out = deploy(dir.path(), &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already running"), "{stderr}");
    assert!(stderr.contains(&format!("pid {}", child.id())), "{stderr}");

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(4));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["deploy"]["interrupted"], "SIGINT");
    assert_eq!(report["outcome"], "failed");
    assert_process_gone(dir.path());
    assert!(!state(dir.path(), "slow-app").exists());
    std::thread::sleep(Duration::from_millis(300));
    assert!(!dir.path().join(MARKER).exists());

    // The lock went with the process.
    let (code, report) = deploy_json(dir.path(), &["--timeout", "200ms"]);
    assert_eq!(code, 4, "{report:#}");
    assert_eq!(report["deploy"]["timed_out"], true);
}

#[test]
fn deploy_env_reaches_the_command_and_the_environment_wins() {
    let dir = project("clean");
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[deploy]\nstack = \"env-app\"\nverify = false\n\n[deploy.env]\nGREETING = \"from-config\"\n\n[sam]\nmode = \"off\"\n",
    )
    .unwrap();
    let command = ["--", "sh", "-c", "echo \"greeting=$GREETING\""];
    let (code, report) = json_of(
        deploy(dir.path(), &["--format", "json"])
            .args(command)
            .env_remove("GREETING"),
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["deploy"]["output_tail"][0], "greeting=from-config");
    let (code, report) = json_of(
        deploy(dir.path(), &["--format", "json"])
            .args(command)
            .env("GREETING", "from-environment"),
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["deploy"]["output_tail"][0],
        "greeting=from-environment"
    );
}

/// The clean project with the hostile test policy configured to panic.
fn with_trapping_policy(enforcement: &str) -> tempfile::TempDir {
    let dir = project("clean");
    let wasm = common::hostile_guest();
    std::fs::write(
        dir.path().join("preflight.toml"),
        format!(
            "[deploy]\nstack = \"trap-app\"\nverify = false\n\n[sam]\nmode = \"off\"\n\n\
             [policies.hostile]\npath = {:?}\nsha256 = {:?}\nenforcement = {enforcement:?}\n\
             settings = {{ attack = \"panic\" }}\n",
            wasm.display().to_string(),
            common::sha256(&wasm),
        ),
    )
    .unwrap();
    dir
}

#[test]
fn a_policy_error_blocks_unless_the_policy_is_advisory() {
    let dir = with_trapping_policy("hard-mandatory");
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 3, "{report:#}");
    assert!(!dir.path().join(MARKER).exists());
    assert_eq!(policy(&report, "hostile")["outcome"], "error");
    assert!(
        report["reasons"].to_string().contains("policy error"),
        "{:#}",
        report["reasons"]
    );

    let dir = with_trapping_policy("advisory");
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert!(dir.path().join(MARKER).exists());
    assert_eq!(policy(&report, "hostile")["outcome"], "error");
}

/// Runs `preflight deploy` on a pseudo-terminal (util-linux `script`), answering with
/// `input`; `None` when `script` is not installed.
fn deploy_on_a_terminal(dir: &Path, input: &str) -> Option<(i32, String)> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: util-linux `script` is not installed, no pseudo-terminal to test with");
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("preflight");
    let out = assert_cmd::Command::new("script")
        .current_dir(dir)
        .args(["-qec", &format!("{} deploy", binary.display()), "/dev/null"])
        .env(
            "PREFLIGHT_CACHE_DIR",
            common::workspace().join("target/test-cache"),
        )
        .env("NO_COLOR", "1")
        .env("USER", "tester")
        .write_stdin(input)
        .output()
        .unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn at_a_terminal_the_changes_are_shown_and_approval_is_asked() {
    let dir = project("iam");
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    std::fs::remove_file(dir.path().join(MARKER)).unwrap();
    std::fs::copy(
        dir.path().join("broadened.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();

    let Some((code, text)) = deploy_on_a_terminal(dir.path(), "n\n") else {
        return;
    };
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("s3:PutObject"), "{text}");
    assert!(text.contains("Approve these security changes"), "{text}");
    assert!(!dir.path().join(MARKER).exists());
    assert_eq!(audit(dir.path()).last().unwrap()["outcome"], "blocked");

    let Some((code, text)) = deploy_on_a_terminal(dir.path(), "y\nreviewed with the team\n") else {
        return;
    };
    assert_eq!(code, 0, "{text}");
    assert_eq!(text.matches("IAM Statement Changes").count(), 1, "{text}");
    assert!(dir.path().join(MARKER).exists());
    let log = audit(dir.path());
    let approval = &log.last().unwrap()["approval"];
    assert_eq!(approval["method"], "interactive");
    assert_eq!(approval["by"], "tester");
    assert_eq!(approval["reason"], "reviewed with the team");
}

#[test]
fn replacing_a_table_without_retain_needs_approval() {
    let dir = project("table");
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    std::fs::remove_file(dir.path().join(MARKER)).unwrap();

    // A new TableName replaces the table (a create-only property), deleting the old one
    // and its data: blocked until approved.
    std::fs::copy(
        dir.path().join("renamed.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 3, "{report:#}");
    assert!(!dir.path().join(MARKER).exists());
    let security = &report["security"];
    assert_eq!(security["approval"]["required"], true, "{security:#}");
    let change = &security["changes"]["changes"][0];
    assert_eq!(change["category"], "stateful-resource");
    assert_eq!(change["resource"], "Orders");
    assert!(
        change["reason"].as_str().unwrap().contains("TableName"),
        "{change:#}"
    );

    // With UpdateReplacePolicy: Retain the old table stays: no approval needed.
    std::fs::copy(
        dir.path().join("retained.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    let (code, report) = deploy_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert!(dir.path().join(MARKER).exists());
}
