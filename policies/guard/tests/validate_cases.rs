//! Parity with cfn-guard's own `validate` expectations: the 58 cases of
//! `shared/corpus/cloudformation-guard/validate_cases.json` (data, rules, input
//! parameters, expected status), each run through the `guard` policy natively.
//!
//! The test plays the host: it expands directories as `cfn-guard validate` does, reads
//! the rule files, loads templates and parameter files with preflight's loader, and a
//! file that is missing, empty or malformed is an `INTERNAL_FAILURE` before the policy
//! runs (as it is in cfn-guard). Everything else is decided by the policy.

mod common;

use std::path::PathBuf;

use serde_json::{Value, json};

#[test]
fn validate_cases() {
    let Some(corpus) = common::corpus() else {
        println!("validate_cases: skipped, shared/corpus is absent");
        return;
    };
    let root = corpus.join("cloudformation-guard");
    let Ok(text) = std::fs::read_to_string(root.join("validate_cases.json")) else {
        println!("validate_cases: skipped, validate_cases.json is absent");
        return;
    };
    let doc: Value = serde_json::from_str(&text).expect("validate_cases.json is JSON");
    let base = root.join(doc["base_dir"].as_str().expect("base_dir"));
    let cases = doc["cases"].as_array().expect("cases");

    let mut passed = 0;
    let mut by_host = 0;
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let paths = |key: &str| -> Vec<PathBuf> {
            match &case[key] {
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|p| base.join(p))
                    .collect(),
                Value::String(p) => vec![base.join(p)],
                _ => Vec::new(),
            }
        };
        let expected = case["expected_status"].as_str().expect("expected_status");
        let data = if case.get("data_stdin").is_some() {
            paths("data_stdin")
        } else {
            paths("data")
        };
        let (got, host) = outcome(&data, &paths("rules"), &paths("input_parameters"));
        if got == expected {
            passed += 1;
            if host {
                by_host += 1;
            }
        } else {
            failures.push(format!(
                "case {i} ({}): expected {expected}, got {got}",
                case["test_fn"].as_str().unwrap_or("?")
            ));
        }
    }
    println!(
        "validate_cases: {passed}/{} match cfn-guard's expected status ({by_host} of them \
         decided by the host side: a missing, empty or malformed file)",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The overall status of one case, and whether the host side decided it.
fn outcome(data: &[PathBuf], rules: &[PathBuf], params: &[PathBuf]) -> (&'static str, bool) {
    let host_failure = ("INTERNAL_FAILURE", true);
    let Some(rule_files) = common::rule_files(rules) else {
        return host_failure;
    };
    let Some(templates) = common::data_files(data) else {
        return host_failure;
    };
    let mut parameters = Vec::new();
    for p in params {
        let Some(files) = common::expand(p, &[".yaml", ".yml", ".json", ".jsn", ".template"])
        else {
            return host_failure;
        };
        for f in files {
            let Some(v) = common::load(&f) else {
                return host_failure;
            };
            parameters.push(v);
        }
    }
    let settings = json!({"rules": rule_files, "parameters": parameters});
    let mut status = "SUCCESS";
    for (_, template) in &templates {
        match common::run(template, &settings) {
            Err(_) => return ("INTERNAL_FAILURE", false),
            Ok(report) => match common::overall(&report) {
                "INTERNAL_FAILURE" => return ("INTERNAL_FAILURE", false),
                "VALIDATION_ERROR" => status = "VALIDATION_ERROR",
                _ => {}
            },
        }
    }
    (status, false)
}
