//! Policies in Python and JavaScript are components of the same WIT world, run by the
//! same host with the same limits: pinned by SHA-256 in preflight.toml, their findings
//! located at line and column, and a policy that loops forever, allocates without bound
//! or raises reported as a `policy-error` while the other policies' findings still appear.
//!
//! The components are built once per content by the real toolchains (see
//! `common::kits`); the SDKs' own unit tests (`python -m unittest`, `node --test`) run
//! here too, so `make test` covers them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::kits::{Lang, component};
use common::{fixture, json_of, preflight, sha256, workspace};
use serde_json::Value;

fn hostile(lang: Lang) -> PathBuf {
    let source = match lang {
        Lang::Python => "kits/python/hostile.py",
        Lang::Js => "kits/js/hostile.js",
    };
    component(lang, &fixture(source))
}

/// `[policies.NAME]` for a component, with inline settings.
fn policy_table(name: &str, wasm: &Path, settings: &str) -> String {
    format!(
        "[policies.{name}]\npath = {:?}\nsha256 = {:?}\nsettings = {{ {settings} }}\n",
        wasm.display().to_string(),
        sha256(wasm)
    )
}

/// `preflight check` of the missing-Sub fixture (TPL001 at line 12) with `config`.
fn check(config: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    json_of(
        preflight()
            .current_dir(dir.path())
            .args(["check", "--sam", "off", "--format", "json"])
            .arg(fixture("missing-sub.yaml")),
    )
}

fn findings(report: &Value) -> Vec<Value> {
    report["templates"][0]["findings"]
        .as_array()
        .unwrap()
        .clone()
}

/// Runs the hostile policy of `lang` with `attack` beside a calm copy of itself and the
/// built-ins; returns the hostile policy's one `policy-error` message, after checking
/// that the calm copy's finding and the template policy's finding are still there.
fn contained(lang: Lang, attack: &str) -> String {
    let wasm = hostile(lang);
    let config = format!(
        "[sandbox]\ntimeout-ms = 1000\nmemory-mib = 128\n\n{}\n{}",
        policy_table("hostile", &wasm, &format!("attack = {attack:?}")),
        policy_table("calm", &wasm, "")
    );
    let (code, report) = check(&config);
    let findings = findings(&report);
    assert_eq!(code, 1, "{report:#}");
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "TPL001" && f["line"] == 12),
        "the template policy's finding must survive: {findings:#?}"
    );
    let (hostile_id, rule) = match lang {
        Lang::Python => ("hostile-py", "HPY001"),
        Lang::Js => ("hostile-js", "HJS001"),
    };
    let calm: Vec<&Value> = findings.iter().filter(|f| f["rule"] == rule).collect();
    assert_eq!(calm.len(), 1, "the calm copy's finding must survive: {findings:#?}");
    assert_eq!(calm[0]["line"], 3, "{:#}", calm[0]);
    let errors: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "policy-error")
        .collect();
    assert_eq!(errors.len(), 1, "{findings:#?}");
    assert_eq!(errors[0]["policy"], hostile_id, "{:#}", errors[0]);
    assert_eq!(errors[0]["blocking"], true);
    errors[0]["message"].as_str().unwrap().to_string()
}

#[test]
fn python_policy_that_loops_forever_is_stopped() {
    let message = contained(Lang::Python, "loop");
    assert!(message.contains("ran out of time"), "{message}");
}

#[test]
fn python_policy_that_allocates_without_bound_is_stopped() {
    let message = contained(Lang::Python, "memory");
    // CPython turns the refused memory.grow into a MemoryError, which the SDK returns as
    // the evaluation's error; an interpreter that traps instead hits the limit itself.
    assert!(
        message.contains("MemoryError") || message.contains("memory limit of 128 MiB"),
        "{message}"
    );
}

#[test]
fn python_policy_that_raises_is_a_policy_error() {
    let message = contained(Lang::Python, "raise");
    assert!(
        message.contains("RuntimeError: hostile policy raised on purpose (at policy.py:"),
        "{message}"
    );
}

#[test]
fn python_policy_that_exits_is_a_policy_error() {
    let message = contained(Lang::Python, "exit");
    assert!(message.contains("SystemExit: 3 (at policy.py:"), "{message}");
}

#[test]
fn javascript_policy_that_loops_forever_is_stopped() {
    let message = contained(Lang::Js, "loop");
    assert!(message.contains("ran out of time"), "{message}");
}

#[test]
fn javascript_policy_that_allocates_without_bound_is_stopped() {
    let message = contained(Lang::Js, "memory");
    assert!(
        message.contains("memory limit of 128 MiB") || message.contains("out of memory"),
        "{message}"
    );
}

#[test]
fn javascript_policy_that_throws_is_a_policy_error() {
    let message = contained(Lang::Js, "throw");
    assert!(
        message.contains("Error: hostile policy threw on purpose"),
        "{message}"
    );
}

#[test]
fn javascript_policy_that_recurses_without_end_is_a_policy_error() {
    let message = contained(Lang::Js, "recursion");
    assert!(
        message.contains("too much recursion") || message.contains("stack overflow"),
        "{message}"
    );
}

#[test]
fn python_sdk_unit_tests() {
    let python = workspace().join("target/venv/bin/python");
    let output = Command::new(&python)
        .current_dir(workspace().join("kits/python"))
        .args(["-m", "unittest", "discover", "-s", "tests"])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run `make test-deps`)", python.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("\nOK"), "{stderr}");
}

#[test]
fn javascript_sdk_unit_tests() {
    let output = Command::new("node")
        .current_dir(workspace().join("kits/js"))
        .args(["--test", "test/"])
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("# fail 0"), "{stdout}");
}
