//! The policy's metadata: every rule has a stable, unique code in registry order, a
//! kebab-case name, the fixed help headings, a fixture, and well-formed equivalents.

use std::path::Path;

use preflight_policy::Policy;
use preflight_policy::testing::assert_rules_well_described;
use preflight_policy_security::SecurityPolicy;

#[test]
fn rules_are_well_described() {
    let meta = assert_rules_well_described::<SecurityPolicy>(
        "SEC",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
    assert_eq!(meta.id, "security");
    assert!(meta.reusable);
    assert!(meta.rules.len() >= 30);
    for rule in &meta.rules {
        for eq in &rule.equivalents {
            assert!(
                matches!(eq.tool.as_str(), "cfn_nag" | "checkov"),
                "{}: tool {}",
                rule.id,
                eq.tool
            );
            for id in &eq.ids {
                let ok = match eq.tool.as_str() {
                    "cfn_nag" => {
                        id.len() > 1
                            && matches!(&id[..1], "F" | "W")
                            && id[1..].chars().all(|c| c.is_ascii_digit())
                    }
                    _ => id.starts_with("CKV_AWS_") || id.starts_with("CKV2_AWS_"),
                };
                assert!(ok, "{}: {} id {id}", rule.id, eq.tool);
            }
        }
    }
}

/// Every cfn_nag id we claim exists in cfn_nag (checked against the corpus's
/// `rule_classes`, when the corpus is there).
#[test]
fn cfn_nag_ids_exist() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/cfn_nag/expectations.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("SKIPPED: {} not found", path.display());
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let known: Vec<&str> = doc["rule_classes"]
        .as_object()
        .expect("rule_classes")
        .values()
        .filter_map(|c| c["id"].as_str())
        .collect();
    for rule in SecurityPolicy::metadata().rules {
        for eq in rule.equivalents.iter().filter(|e| e.tool == "cfn_nag") {
            for id in &eq.ids {
                assert!(
                    known.contains(&id.as_str()),
                    "{}: unknown cfn_nag id {id}",
                    rule.id
                );
            }
        }
    }
}

/// Every cfn_nag rule id (cfn_nag's full list, `rule_classes` in the corpus) is claimed by
/// a rule or named, with its reason, in docs/fidelity.md's table of ids not claimed.
#[test]
fn every_cfn_nag_id_is_claimed_or_documented() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/cfn_nag/expectations.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("SKIPPED: cfn_nag corpus not found at {}", path.display());
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let fidelity = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/fidelity.md"),
    )
    .expect("docs/fidelity.md");
    let claimed: Vec<String> = SecurityPolicy::metadata()
        .rules
        .iter()
        .flat_map(|r| r.equivalents.iter().filter(|e| e.tool == "cfn_nag"))
        .flat_map(|e| e.ids.clone())
        .collect();
    let missing: Vec<&str> = doc["rule_classes"]
        .as_object()
        .expect("rule_classes")
        .values()
        .filter_map(|c| c["id"].as_str())
        .filter(|id| !claimed.iter().any(|c| c == id) && !fidelity.contains(&format!("| `{id}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "neither claimed nor documented: {missing:?}"
    );
}
