//! Conftest-style Rego policies for CloudFormation (v0 and v1 syntax, a shared helper
//! package, `deny` / `violation` / `warn` with suffixes, `exception`, object results with
//! locations), run natively on a fixture. Snapshots show each finding at its line and
//! column.

use std::path::Path;

use preflight_policy::testing::{Outcome, run_file_with};
use preflight_policy::{Input, Policy, Severity, Status};
use preflight_policy_rego::RegoPolicy;
use serde_json::{Value, json};

const TEMPLATE: &str = "tests/fixtures/template.yaml";

/// The fixture policy files as the host passes them: name = path under `policy/`
/// without `.rego`.
fn policy_files() -> Vec<Value> {
    ["lib/aws", "s3", "tagging", "lambda", "iam"]
        .iter()
        .map(|name| file(&format!("tests/fixtures/policy/{name}.rego"), name))
        .collect()
}

fn file(path: &str, name: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(path)).unwrap();
    json!({"name": name, "text": text})
}

fn settings() -> Value {
    json!({
        "files": policy_files(),
        "data": {"deprecated_runtimes": ["python3.8", "nodejs12.x"]},
    })
}

fn statuses(outcome: &Outcome) -> Vec<(String, Status)> {
    outcome
        .report
        .rules
        .iter()
        .map(|r| (r.rule.clone(), r.status))
        .collect()
}

#[test]
fn conftest_policies() {
    let outcome = run_file_with::<RegoPolicy>(TEMPLATE, settings());
    assert_eq!(
        statuses(&outcome),
        vec![
            ("main/deny".to_string(), Status::Fail),
            ("main/deny_public_acl".to_string(), Status::Fail),
            ("cloudformation/deny_missing_tags".to_string(), Status::Fail),
            ("lambda/warn_deprecated_runtime".to_string(), Status::Fail),
            ("main/violation".to_string(), Status::Fail),
        ]
    );
    let severity = |rule: &str| {
        outcome
            .report
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.severity)
    };
    assert_eq!(severity("main/deny"), Some(Severity::Medium));
    assert_eq!(severity("main/deny_public_acl"), Some(Severity::Critical));
    assert_eq!(
        severity("lambda/warn_deprecated_runtime"),
        Some(Severity::Low)
    );
    insta::assert_snapshot!(outcome.render());
}

#[test]
fn exception_exempts_a_suffixed_rule() {
    let source = "Metadata:\n  LegacyRuntimesAccepted: true\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.8\n";
    let template =
        preflight_template::Template::parse(source, "t.yaml", &Default::default()).unwrap();
    let outcome = preflight_policy::testing::run_template::<RegoPolicy>(template, None, settings());
    assert!(outcome.report.findings.is_empty(), "{}", outcome.render());
    assert!(
        statuses(&outcome).contains(&("lambda/warn_deprecated_runtime".to_string(), Status::Skip))
    );
}

#[test]
fn a_file_that_does_not_parse_leaves_the_others() {
    let mut files = vec![file("tests/fixtures/broken.rego", "broken")];
    files.extend(policy_files());
    let outcome = run_file_with::<RegoPolicy>(
        TEMPLATE,
        json!({"files": files, "namespaces": ["main"], "default_severity": "high"}),
    );
    let first = &outcome.report.findings[0];
    assert_eq!(first.rule, "broken/parse-error");
    assert!(
        first
            .message
            .starts_with("Rego file `broken` does not parse at line 6"),
        "{}",
        first.message
    );
    // Only the `main` package is evaluated, each rule at the default severity asked
    // for unless its results say otherwise.
    assert_eq!(
        statuses(&outcome),
        vec![
            ("broken/parse-error".to_string(), Status::Fail),
            ("main/deny".to_string(), Status::Fail),
            ("main/deny_public_acl".to_string(), Status::Fail),
            ("main/violation".to_string(), Status::Fail),
        ]
    );
    assert!(
        outcome
            .report
            .findings
            .iter()
            .filter(|f| f.rule == "main/deny")
            .all(|f| f.severity == Severity::High)
    );
}

#[test]
fn a_rule_that_fails_to_evaluate_is_reported_and_others_run() {
    let conflict = json!({"name": "conflict", "text":
        "package conflict\nx := 1 if true\nx := 2 if true\ndeny contains m if { m := sprintf(\"%d\", [x]) }\n"});
    let ok = json!({"name": "ok", "text": "package ok\ndeny contains \"always\" if true\n"});
    let outcome = run_source_with(json!({"files": [conflict, ok]}));
    assert_eq!(
        statuses(&outcome),
        vec![
            ("conflict/deny".to_string(), Status::Fail),
            ("ok/deny".to_string(), Status::Fail),
        ]
    );
    let error = &outcome.report.findings[0];
    assert_eq!(error.severity, Severity::High);
    assert!(
        error.message.starts_with(
            "`data.conflict.deny` could not be evaluated: conflict:3:1: rule conflicts"
        ),
        "{}",
        error.message
    );
    assert_eq!(outcome.report.findings[1].message, "always");
}

#[test]
fn booleans_undefined_and_disabled_rules() {
    let text = "package main\nimport rego.v1\ndeny if input.Resources.B\nwarn if input.Nothing\n\
                violation_none contains m if { m := input.Nothing }\ndeny_off contains \"x\" if true\n";
    let outcome = run_source_with(json!({
        "files": [{"name": "b", "text": text}],
        "disable": ["main/deny_off"],
    }));
    assert_eq!(
        statuses(&outcome),
        vec![
            ("main/deny".to_string(), Status::Fail),
            ("main/warn".to_string(), Status::Pass),
            ("main/violation_none".to_string(), Status::Pass),
            ("main/deny_off".to_string(), Status::Skip),
        ]
    );
    assert_eq!(
        outcome.report.findings[0].message,
        "`data.main.deny` is true"
    );
}

#[test]
fn rego_versions() {
    let v0 = json!({"name": "v0", "text": "package main\ndeny[msg] { input.Resources[name]; msg := name }\n"});
    let v1_only = run_source_with(json!({"files": [v0.clone()], "rego_version": "v1"})).report;
    assert_eq!(v1_only.findings[0].rule, "v0/parse-error");
    assert!(
        v1_only.findings[0]
            .message
            .contains("`if` keyword is required"),
        "{}",
        v1_only.findings[0].message
    );
    for version in ["auto", "v0"] {
        let report =
            run_source_with(json!({"files": [v0.clone()], "rego_version": version})).report;
        assert_eq!(report.findings.len(), 1, "{version}");
        assert_eq!(report.findings[0].message, "B");
    }
}

#[test]
fn settings_errors_are_policy_errors() {
    let input = Input::from_json("{}", None, "t.yaml", r#"{"files": 3}"#).unwrap();
    assert_eq!(
        RegoPolicy::evaluate(&input).unwrap_err(),
        "rego setting `files` must be a list"
    );
}

#[test]
fn files_are_parsed_once_per_instance() {
    let settings = preflight_policy_rego::settings::Settings::from_json(&settings()).unwrap();
    let a = preflight_policy_rego::engine::compile(&settings);
    let b = preflight_policy_rego::engine::compile(&settings);
    assert!(std::rc::Rc::ptr_eq(&a, &b));
    let mut other = settings.clone();
    other.files.pop();
    let c = preflight_policy_rego::engine::compile(&other);
    assert!(!std::rc::Rc::ptr_eq(&a, &c));
}

/// The policy on a one-bucket template with `settings`.
fn run_source_with(settings: Value) -> Outcome {
    let template = preflight_template::Template::parse(
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
        "t.yaml",
        &Default::default(),
    )
    .unwrap();
    preflight_policy::testing::run_template::<RegoPolicy>(template, None, settings)
}
