//! Snapshot tests on small fixtures: findings rendered with line:column and a caret, so
//! a snapshot shows that each pointer lands on the right property.

use preflight_policy::testing::{Outcome, run_file_with};
use preflight_policy::{Policy, Severity};
use preflight_policy_guard::GuardPolicy;
use serde_json::{Value, json};

const TEMPLATE: &str = "tests/fixtures/buckets.yaml";

fn rule(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("tests/fixtures/{name}")).unwrap();
    json!({"name": name, "text": text})
}

fn run(settings: Value) -> Outcome {
    run_file_with::<GuardPolicy>(TEMPLATE, settings)
}

#[test]
fn s3_rules() {
    let outcome = run(json!({"rules": [rule("s3.guard")]}));
    insta::assert_snapshot!(outcome.render());
}

#[test]
fn input_parameters() {
    let outcome = run(json!({
        "rules": [rule("logs.guard")],
        "parameters": [{"ALLOWED_RETENTION_DAYS": [30, 90, 365]}]
    }));
    insta::assert_snapshot!(outcome.render());
}

#[test]
fn parse_error_does_not_stop_other_files() {
    let outcome = run(json!({
        "rules": [rule("broken.guard"), rule("s3.guard")],
        "severities": {"S3_VERSIONING": "high", "s3.guard/S3_ENCRYPTION": "critical"},
        "default_severity": "low"
    }));
    let parse = &outcome.report.findings[0];
    assert_eq!(parse.rule, "broken.guard/parse-error");
    assert_eq!(parse.severity, Severity::High);
    assert!(
        parse.message.contains("line 6, column"),
        "{}",
        parse.message
    );
    insta::assert_snapshot!(outcome.render());
}

#[test]
fn evaluation_error_does_not_stop_other_files() {
    // An unknown variable: cfn-guard stops evaluating this file with an error.
    let undefined = json!({"name": "undefined.guard", "text": "rule U { %nope exists }"});
    let outcome = run(json!({"rules": [undefined, rule("s3.guard")]}));
    insta::assert_snapshot!(outcome.render());
}

#[test]
fn parameters_missing_from_the_settings_fail_the_rule() {
    // Without ALLOWED_RETENTION_DAYS the allowed set is empty, so nothing is in it.
    let outcome = run(json!({"rules": [rule("logs.guard")]}));
    assert_eq!(outcome.fired(), ["logs.guard/LOG_RETENTION"]);
}

#[test]
fn parameters_that_clash_with_the_template_are_refused() {
    let input = preflight_policy::Input::from_json(
        r#"{"Resources": {}}"#,
        None,
        "t.json",
        r#"{"rules": [], "parameters": [{"Resources": {}}]}"#,
    )
    .unwrap();
    let err = GuardPolicy::evaluate(&input).unwrap_err();
    assert!(err.contains("`Resources` is defined twice"), "{err}");
}

#[test]
fn metadata() {
    let meta = GuardPolicy::metadata();
    assert_eq!(meta.id, "guard");
    assert!(meta.reusable);
    assert!(meta.rules.is_empty());
}

#[test]
fn odd_inputs_do_not_panic() {
    let texts = [
        "",
        "rule",
        "rule A {",
        "rule A { Resources.* == }",
        "let x = 1\nrule A { %y exists }",
        "rule A { Resources.*.Properties.X == /[/ }",
        "rule A when B { Resources exists }",
        "rule A { this is_string }",
        "Resources.*[ Type == 'AWS::S3::Bucket' ].Properties.BucketName == /^logs/",
        "rule A { Resources.*.Properties[*] { this.x.y.z exists } }",
        "rule A << m >> { Resources exists }",
        "\u{0}\u{feff}rule A { }",
    ];
    let templates = [
        json!({}),
        json!([]),
        json!("text"),
        json!({"Resources": null}),
        json!({"Resources": {"A/B": {"Type": 3, "Properties": [1, {"x": {"y": null}}]}}}),
    ];
    for text in texts {
        for template in &templates {
            let settings = json!({"rules": [{"name": "odd.guard", "text": text}]});
            let input = preflight_policy::Input {
                template: template.clone(),
                baseline: None,
                path: "t.json".to_string(),
                settings,
            };
            let _ = GuardPolicy::evaluate(&input);
        }
    }
}
