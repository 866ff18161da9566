//! The security pack through the binary: SAM policies are checked before the
//! transform, at the line of the policy entry; peer tools' suppressions are honoured
//! through the rules' equivalents.

mod common;

use common::{fixture, json_of, preflight};
use serde_json::Value;

fn findings() -> Vec<Value> {
    let (_, report) = json_of(preflight().current_dir(fixture("")).args([
        "check",
        "--sam",
        "off",
        "--policy",
        "security",
        "--format",
        "json",
        "sam-admin.yaml",
    ]));
    report["templates"][0]["findings"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn sam_function_with_administrator_access_is_flagged_at_the_entry() {
    let findings = findings();
    let admin: Vec<&Value> = findings
        .iter()
        .filter(|f| f["resource"] == "Admin" && f["rule"] == "SEC011")
        .collect();
    assert_eq!(admin.len(), 1, "{findings:#?}");
    assert_eq!(
        (admin[0]["line"].as_u64(), admin[0]["column"].as_u64()),
        (Some(11), Some(11))
    );
    assert_eq!(admin[0]["severity"], "critical");
}

#[test]
fn sam_inline_wildcard_action_is_flagged_at_the_statement() {
    let findings = findings();
    let wildcard: Vec<&Value> = findings
        .iter()
        .filter(|f| f["resource"] == "Wildcard" && f["rule"] == "SEC001")
        .collect();
    assert!(!wildcard.is_empty(), "{findings:#?}");
    assert!(
        wildcard.iter().all(|f| f["line"] == 21 || f["line"] == 20),
        "{wildcard:#?}"
    );
}

#[test]
fn cfn_nag_and_checkov_suppressions_apply_through_equivalents() {
    let findings = findings();
    for (resource, by, reason) in [
        ("OpenSsh", "cfn_nag", "bastion host, restricted by NACL"),
        ("Checkov", "checkov", "temporary access for migration"),
    ] {
        let ssh: Vec<&Value> = findings
            .iter()
            .filter(|f| f["resource"] == resource && f["rule"] == "SEC014")
            .collect();
        assert_eq!(ssh.len(), 1, "{findings:#?}");
        assert_eq!(ssh[0]["blocking"], false);
        assert_eq!(ssh[0]["suppressed"]["by"], by);
        assert_eq!(ssh[0]["suppressed"]["reason"], reason);
    }
}

#[test]
fn policy_list_shows_equivalents() {
    let (_, list) = json_of(preflight().args(["policy", "list", "--format", "json"]));
    let security = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "security")
        .unwrap();
    let rules = security["rules"].as_array().unwrap();
    assert!(rules.len() >= 30);
    let ssh = rules.iter().find(|r| r["id"] == "SEC014").unwrap();
    assert_eq!(ssh["equivalents"]["cfn_nag"], serde_json::json!(["W2"]));
    assert_eq!(
        ssh["equivalents"]["checkov"],
        serde_json::json!(["CKV_AWS_24"])
    );
}
