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
    assert_eq!(
        calm.len(),
        1,
        "the calm copy's finding must survive: {findings:#?}"
    );
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
    assert!(
        message.contains("SystemExit: 3 (at policy.py:"),
        "{message}"
    );
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

/// `(template, resource, line, column, message)` of every finding of an audit.
fn audit_findings(args: &[&str], corpus: &Path) -> Vec<(String, String, u64, u64, String)> {
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = json_of(
        preflight()
            .current_dir(dir.path())
            .args(["audit", "--sam", "off", "--format", "json"])
            .args(args)
            .arg(corpus),
    );
    let mut out: Vec<_> = report["templates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["findings"].as_array().unwrap().iter().map(move |f| {
                (
                    t["path"].as_str().unwrap().to_string(),
                    f["resource"].as_str().unwrap_or("-").to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_same_rule_in_four_languages_gives_identical_findings_on_the_corpus() {
    let Some(corpus) = common::corpus("serverless-patterns") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    // Python and JavaScript: the rule as `policy new --lang` writes it.
    let mut configs = Vec::new();
    for (lang, flag, file) in [
        (Lang::Python, "python", "policy.py"),
        (Lang::Js, "js", "policy.js"),
    ] {
        let name = format!("acme-{flag}");
        let dir = work.path().join(&name);
        preflight()
            .args(["policy", "new", &name, "--lang", flag, "--dir"])
            .arg(&dir)
            .assert()
            .success();
        let wasm = component(lang, &dir.join(file));
        configs.push((name, wasm));
    }
    // Rust: the same, built by cargo.
    let dir = work.path().join("acme-rust");
    preflight()
        .args(["policy", "new", "acme-rust", "--dir"])
        .arg(&dir)
        .assert()
        .success();
    let target = workspace().join("target/scaffold-test");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&dir)
        .args(["build", "--release", "--quiet", "--target", "wasm32-wasip2"])
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .unwrap();
    assert!(status.success());
    configs.push((
        "acme-rust".to_string(),
        target.join("wasm32-wasip2/release/acme_rust.wasm"),
    ));
    let config = work.path().join("preflight.toml");
    std::fs::write(
        &config,
        configs
            .iter()
            .map(|(name, wasm)| policy_table(name, wasm, ""))
            .collect::<String>(),
    )
    .unwrap();
    let config = config.display().to_string();
    let rego = fixture("rego/policy/versioning.rego").display().to_string();
    let reference = audit_findings(&["--rego", &rego, "--policy", "rego"], &corpus);
    assert!(
        reference.len() > 50,
        "the corpus has unversioned buckets: {}",
        reference.len()
    );
    for (name, _) in &configs {
        let found = audit_findings(&["--config", &config, "--policy", name], &corpus);
        assert_eq!(found.len(), reference.len(), "{name}");
        for (a, b) in found.iter().zip(&reference) {
            assert_eq!(a, b, "{name} differs from the Rego version");
        }
    }
    eprintln!(
        "four languages, {} identical findings over serverless-patterns",
        reference.len()
    );
}
