//! Hostile policies are contained: each attack becomes a clear `policy-error`, the
//! process survives, and the other policies' findings still appear.

mod common;

use common::{fixture, hostile_guest, json_of, preflight, sha256};
use serde_json::Value;

/// Runs `preflight check` on the missing-Sub fixture with the hostile policy configured
/// to perform `attack`, and returns (exit code, report).
fn attack(attack: &str, extra_settings: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_guest();
    let config = format!(
        "[sandbox]\ntimeout-ms = 500\nmemory-mib = 64\n\n[policies.hostile]\npath = {:?}\nsha256 = {:?}\nsettings = {{ attack = {:?}{} }}\n",
        wasm.display().to_string(),
        sha256(&wasm),
        attack,
        extra_settings
    );
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    json_of(
        preflight()
            .current_dir(dir.path())
            .env("PREFLIGHT_TEST_SECRET", "s3cr3t-value")
            .args(["check", "--sam", "off", "--format", "json"])
            .arg(fixture("missing-sub.yaml")),
    )
}

fn findings(report: &Value) -> &Vec<Value> {
    report["templates"][0]["findings"].as_array().unwrap()
}

/// The policy-error finding of the hostile policy, asserting the template policy's
/// own finding is still there.
fn contained(report: &Value) -> String {
    let findings = findings(report);
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "TPL001" && f["line"] == 12),
        "the template policy's finding must survive: {findings:#?}"
    );
    let errors: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "policy-error")
        .collect();
    assert_eq!(errors.len(), 1, "{findings:#?}");
    assert_eq!(errors[0]["policy"], "hostile");
    assert_eq!(errors[0]["blocking"], true);
    assert_eq!(report["verdict"], "fail");
    errors[0]["message"].as_str().unwrap().to_string()
}

#[test]
fn harmless_run_reports_its_finding() {
    let (code, report) = attack("none", "");
    assert_eq!(code, 1); // the template policy's TPL001 blocks
    assert!(findings(&report).iter().any(|f| f["rule"] == "HOSTILE"));
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f["rule"] == "policy-error")
    );
}

#[test]
fn endless_loop_times_out() {
    let (code, report) = attack("loop", "");
    assert_eq!(code, 1);
    let message = contained(&report);
    assert!(message.contains("ran out of time"), "{message}");
}

#[test]
fn memory_bomb_hits_the_limit() {
    let (_, report) = attack("memory", "");
    let message = contained(&report);
    assert!(message.contains("memory limit of 64 MiB"), "{message}");
}

#[test]
fn deep_recursion_traps() {
    let (_, report) = attack("recursion", "");
    let message = contained(&report);
    assert!(message.contains("crashed"), "{message}");
    assert!(message.contains("stack overflow"), "{message}");
}

#[test]
fn panic_message_reaches_the_report() {
    let (_, report) = attack("panic", "");
    let message = contained(&report);
    assert!(
        message.contains("hostile policy panicked on purpose"),
        "{message}"
    );
}

#[test]
fn files_cannot_be_read() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "top-secret-contents").unwrap();
    let extra = format!(", secret_file = {:?}", secret.path().display().to_string());
    let (_, report) = attack("files", &extra);
    let message = contained(&report);
    assert!(!message.contains("READ "), "a file was read: {message}");
    assert!(
        !message.contains("LISTED"),
        "a directory was listed: {message}"
    );
    assert!(!message.contains("top-secret-contents"), "{message}");
    assert!(message.contains("denied /etc/passwd"), "{message}");
}

#[test]
fn environment_is_empty() {
    let (_, report) = attack("env", "");
    let message = contained(&report);
    assert!(message.contains("environment: 0 variables"), "{message}");
    assert!(!message.contains("s3cr3t-value"), "{message}");
}

#[test]
fn network_is_denied() {
    let (_, report) = attack("network", "");
    let message = contained(&report);
    assert!(message.contains("denied connect"), "{message}");
}

#[test]
fn oversized_results_are_cut_to_the_limit_and_fail_closed() {
    let (code, report) = attack("oversized", "");
    let message = contained(&report);
    assert!(
        message.contains("200000 findings, over the limit of 10000")
            && message.contains("only the first 10000 findings are reported"),
        "{message}"
    );
    // The findings that fit are kept, in the policy's order, beside the error.
    let kept: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "HOSTILE")
        .collect();
    assert_eq!(kept.len(), 10_000);
    assert_eq!(kept[0]["message"], "0");
    assert!(kept.iter().any(|f| f["message"] == "9999"));
    assert!(!kept.iter().any(|f| f["message"] == "10000"));
    assert_eq!(code, 1);
}

#[test]
fn huge_message_is_rejected_or_contained() {
    let (_, report) = attack("huge-message", "");
    let message = contained(&report);
    assert!(
        message.contains("over the limit") || message.contains("memory limit"),
        "{message}"
    );
}

#[test]
fn malformed_pointer_is_rejected() {
    let (_, report) = attack("bad-pointer", "");
    let message = contained(&report);
    assert!(message.contains("malformed JSON pointer"), "{message}");
}

#[test]
fn advisory_policy_errors_do_not_block() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_guest();
    let config = format!(
        "[sandbox]\ntimeout-ms = 300\n\n[policies.hostile]\npath = {:?}\nsha256 = {:?}\nenforcement = \"advisory\"\nsettings = {{ attack = \"loop\" }}\n",
        wasm.display().to_string(),
        sha256(&wasm),
    );
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    let (code, report) = json_of(
        preflight()
            .current_dir(dir.path())
            .args(["check", "--sam", "off", "--format", "json"])
            .arg(fixture("clean.yaml")),
    );
    let error = findings(&report)
        .iter()
        .find(|f| f["rule"] == "policy-error")
        .unwrap()
        .clone();
    assert_eq!(error["blocking"], false);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "warn");
}

#[test]
fn wrong_sha256_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_guest();
    let config = format!(
        "[policies.hostile]\npath = {:?}\nsha256 = \"{}\"\n",
        wasm.display().to_string(),
        "0".repeat(64)
    );
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    let output = preflight()
        .current_dir(dir.path())
        .args(["check", "--sam", "off"])
        .arg(fixture("clean.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("but the configuration pins"), "{stderr}");
}

#[test]
fn guest_stderr_goes_to_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_guest();
    let config = format!(
        "[policies.hostile]\npath = {:?}\nsha256 = {:?}\nsettings = {{ attack = \"panic\" }}\n",
        wasm.display().to_string(),
        sha256(&wasm),
    );
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    let output = preflight()
        .current_dir(dir.path())
        .args(["-vv", "check", "--sam", "off", "--format", "json"])
        .arg(fixture("clean.yaml"))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("stderr:") && log.contains("hostile policy panicked on purpose"),
        "{log}"
    );
}
