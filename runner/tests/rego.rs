//! The built-in `rego` policy from the command line and configuration, and `policy
//! test` with YAML cases for Rego files and for components.

mod common;

use common::{fixture, json_of, preflight};
use serde_json::Value;

fn located(report: &Value) -> Vec<(String, String, u64, u64)> {
    report["templates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap_or("-").to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String, u64, u64)> {
    [
        ("main/deny_unversioned_bucket", "Suspended", 11, 9),
        ("main/deny_unversioned_bucket", "Plain", 12, 3),
        ("main/warn", "Jobs", 14, 3),
    ]
    .iter()
    .map(|(r, id, l, c)| (r.to_string(), id.to_string(), *l, *c))
    .collect()
}

#[test]
fn rego_flag_runs_the_files_in_the_sandbox() {
    let (code, report) = json_of(
        preflight()
            .args([
                "check", "--sam", "off", "--policy", "rego", "--format", "json",
            ])
            .arg("--rego")
            .arg(fixture("rego/policy"))
            .arg(fixture("rego/buckets.yaml")),
    );
    assert_eq!(located(&report), expected(), "{report:#}");
    // deny blocks (medium, hard-mandatory by default); warn is low and does not.
    let findings = report["templates"][0]["findings"].as_array().unwrap();
    assert_eq!(findings[0]["blocking"], true);
    assert_eq!(findings[2]["blocking"], false);
    assert_eq!(findings[2]["severity"], "low");
    assert_eq!(code, 1);
}

#[test]
fn configured_rego_files_run_relative_to_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("preflight.toml"),
        format!(
            "[policies.rego]\nfiles = [{:?}]\nenforcement = \"advisory\"\n",
            fixture("rego/policy/versioning.rego").display().to_string()
        ),
    )
    .unwrap();
    let (code, report) = json_of(
        preflight()
            .current_dir(dir.path())
            .args([
                "check", "--sam", "off", "--policy", "rego", "--format", "json",
            ])
            .arg(fixture("rego/buckets.yaml")),
    );
    assert_eq!(located(&report), expected()[..2].to_vec(), "{report:#}");
    assert_eq!(code, 0, "advisory: reported, never blocks");
}

#[test]
fn a_missing_rego_file_is_a_configuration_error() {
    let output = preflight()
        .args(["check", "--sam", "off", "--rego", "nowhere.rego"])
        .arg(fixture("rego/buckets.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read Rego file nowhere.rego"),
        "{stderr}"
    );
}

#[test]
fn policy_test_runs_yaml_cases_for_rego_files() {
    let output = preflight()
        .args(["policy", "test", "--rego"])
        .arg(fixture("rego/policy"))
        .arg("-t")
        .arg(fixture("rego/tests/cases.yaml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("ok: 1 test file, 2 cases: 2 passed, 0 failed, 0 errors"),
        "{stdout}"
    );
}

#[test]
fn policy_test_reports_unmet_expectations_with_exit_1() {
    let (code, run) = json_of(
        preflight()
            .args(["policy", "test", "--format", "json", "--rego"])
            .arg(fixture("rego/policy"))
            .arg("-t")
            .arg(fixture("rego/tests/failing.yaml")),
    );
    assert_eq!(code, 1, "{run:#}");
    let case = &run["files"][0]["cases"][0];
    assert_eq!(case["outcome"], "fail");
    assert_eq!(case["missing"][0]["line"], 3);
    // Three findings, none at line 3: all unexpected.
    assert_eq!(case["unexpected"].as_array().unwrap().len(), 3);
    assert_eq!(case["rules"][0]["ok"], false);
    assert_eq!(run["summary"]["failed"], 1);
}

#[test]
fn policy_test_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.yaml");
    std::fs::write(
        &cases,
        "- name: a template that is not there\n  template: missing.yaml\n  rules: { main/warn: pass }\n\
         - name: a typo in a key\n  template: { Resources: {} }\n  rule: { main/warn: pass }\n",
    )
    .unwrap();
    let (code, run) = json_of(
        preflight()
            .args(["policy", "test", "--format", "json", "--rego"])
            .arg(fixture("rego/policy"))
            .arg("-t")
            .arg(&cases),
    );
    assert_eq!(code, 2, "{run:#}");
    let cases = run["files"][0]["cases"].as_array().unwrap();
    assert!(cases.iter().all(|c| c["outcome"] == "error"), "{run:#}");
    assert!(
        cases[1]["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `rule`"),
        "{run:#}"
    );
}
