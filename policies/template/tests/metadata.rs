//! The policy's metadata: every rule has a stable, unique code, a kebab-case name, the
//! fixed help headings, and a fixture.

use std::path::Path;

use preflight_policy::Policy;
use preflight_policy_template::TemplatePolicy;

#[test]
fn rules_are_well_described() {
    let meta = TemplatePolicy::metadata();
    assert_eq!(meta.id, "template");
    assert!(meta.reusable);
    let fixtures: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
            .expect("fixtures folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
    let mut names = Vec::new();
    for (i, rule) in meta.rules.iter().enumerate() {
        let expected_id = format!("TPL{:03}", i + 1);
        assert_eq!(rule.id, expected_id, "rules are registered in code order");
        assert!(
            !rule.name.is_empty()
                && rule
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name {:?} is not kebab-case",
            rule.id,
            rule.name
        );
        assert!(!names.contains(&rule.name), "{}: duplicate name", rule.id);
        names.push(rule.name.clone());
        assert!(
            !rule.title.is_empty() && !rule.title.ends_with('.'),
            "{}: title",
            rule.id
        );
        let headings: Vec<&str> = rule.help.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            headings,
            [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix"
            ],
            "{}: help headings",
            rule.id
        );
        let prefix = rule.id.to_ascii_lowercase();
        assert!(
            fixtures.iter().any(|f| f.starts_with(&prefix)),
            "{}: no fixture tests/fixtures/{prefix}*",
            rule.id
        );
    }
}
