//! Template suppressions: honoured with their reasons, refused without one, reported
//! when expired, and overridden by configuration for non-suppressible rules.

mod common;

use common::{fixture, json_of, preflight};
use serde_json::Value;

fn run(config: Option<&str>) -> (i32, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    if let Some(text) = config {
        std::fs::write(dir.path().join("preflight.toml"), text).unwrap();
    }
    let (code, report) = json_of(
        preflight()
            .current_dir(dir.path())
            .args([
                "check", "--sam", "off", "--policy", "template", "--format", "json",
            ])
            .arg(fixture("suppressions.yaml")),
    );
    (
        code,
        report["templates"][0]["findings"]
            .as_array()
            .unwrap()
            .clone(),
    )
}

fn of<'a>(findings: &'a [Value], rule: &str, resource: &str) -> Vec<&'a Value> {
    findings
        .iter()
        .filter(|f| f["rule"] == rule && f["resource"] == resource)
        .collect()
}

#[test]
fn suppressions_are_honoured_refused_and_expire() {
    let (code, findings) = run(None);
    assert_eq!(code, 1);

    let suppressed = of(&findings, "TPL001", "Suppressed");
    assert_eq!(suppressed.len(), 1, "{findings:#?}");
    assert_eq!(suppressed[0]["blocking"], false);
    assert_eq!(suppressed[0]["suppressed"]["by"], "template");
    assert_eq!(
        suppressed[0]["suppressed"]["reason"],
        "the queue is created by the platform stack"
    );

    let by_name = of(&findings, "TPL001", "ByName");
    assert_eq!(by_name[0]["suppressed"]["reason"], "named by rule name");

    // No reason: the suppression is an error and does not suppress.
    let no_reason = of(&findings, "suppression-invalid", "NoReason");
    assert_eq!(no_reason.len(), 1, "{findings:#?}");
    assert_eq!(no_reason[0]["blocking"], true);
    assert_eq!(no_reason[0]["line"], 27);
    assert_eq!(of(&findings, "TPL001", "NoReason")[0]["blocking"], true);

    // Expired: reported, and the finding is back.
    let expired = of(&findings, "suppression-expired", "Expired");
    assert_eq!(expired.len(), 1);
    assert!(
        expired[0]["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2001-01-01")
    );
    assert_eq!(expired[0]["line"], 37);
    assert_eq!(of(&findings, "TPL001", "Expired")[0]["blocking"], true);

    let bad_date = of(&findings, "suppression-invalid", "BadDate");
    assert_eq!(bad_date.len(), 1);
    assert!(
        bad_date[0]["message"]
            .as_str()
            .unwrap()
            .contains("must be a date")
    );
}

#[test]
fn non_suppressible_rules_stay_blocking() {
    let (_, findings) = run(Some("[suppressions]\nnon-suppressible = [\"TPL001\"]\n"));
    let suppressed = of(&findings, "TPL001", "Suppressed");
    assert_eq!(suppressed[0]["blocking"], true);
    assert_eq!(suppressed[0]["suppressed"], Value::Null);
    assert!(!of(&findings, "suppression-not-allowed", "Suppressed").is_empty());
}
