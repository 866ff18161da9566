//! The built-in `schema` policy end to end: on by default, findings at the offending
//! node, blocking as hard-mandatory; the region setting; replacement in `preflight diff`.

mod common;

use common::{fixture, json_of, preflight};
use serde_json::Value;

fn schema_findings(report: &Value) -> Vec<(String, u64, u64, String)> {
    report["templates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("SCH"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_four_mistakes_are_reported_at_their_own_line_and_column() {
    let (code, report) = json_of(preflight().current_dir(fixture("schema")).args([
        "check",
        "mistakes.yaml",
        "--sam",
        "off",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "hard-mandatory schema errors block: {report}");
    let found: Vec<(String, u64, u64)> = schema_findings(&report)
        .into_iter()
        .map(|(r, l, c, _)| (r, l, c))
        .collect();
    let found: Vec<(&str, u64, u64)> = found.iter().map(|(r, l, c)| (r.as_str(), *l, *c)).collect();
    assert_eq!(
        found,
        [
            ("SCH002", 8, 7),   // TableNme: orders
            ("SCH004", 22, 19), // MemorySize: lots
            ("SCH006", 23, 16), // Timeout: 9000
            ("SCH005", 31, 17), // Status: Enabld
        ],
        "{report:#}"
    );
    let messages: Vec<String> = schema_findings(&report).into_iter().map(|f| f.3).collect();
    assert!(
        messages[0].contains("did you mean `TableName`"),
        "{messages:?}"
    );
    assert!(messages[1].contains("expected an integer"), "{messages:?}");
    assert!(messages[2].contains("at most"), "{messages:?}");
    assert!(
        messages[3].contains("Properties.VersioningConfiguration.Status"),
        "{messages:?}"
    );
}

#[test]
fn clean_templates_stay_clean() {
    for (dir, file) in [
        (fixture(""), "clean.yaml".to_string()),
        (
            common::workspace().join("examples/hello-sam"),
            "template.yaml".to_string(),
        ),
    ] {
        let (_, report) = json_of(
            preflight()
                .current_dir(&dir)
                .args(["check", &file, "--sam", "off", "--format", "json"]),
        );
        assert_eq!(schema_findings(&report), [], "{file}: {report:#}");
        let statuses = report["templates"][0]["rules"].to_string();
        assert!(
            statuses.contains("SCH001"),
            "the schema policy ran: {statuses}"
        );
    }
}

#[test]
fn region_comes_from_the_flag_or_the_environment() {
    let run = |args: &[&str], env: Option<&str>| {
        let mut cmd = preflight();
        cmd.current_dir(fixture("schema"))
            .env_remove("AWS_REGION")
            .args(["check", "regional.yaml", "--sam", "off", "--format", "json"])
            .args(args);
        if let Some(region) = env {
            cmd.env("AWS_REGION", region);
        }
        let (_, report) = json_of(&mut cmd);
        schema_findings(&report)
    };
    assert_eq!(run(&[], None), []);
    let flagged = run(&["--region", "ap-east-2"], None);
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!((flagged[0].0.as_str(), flagged[0].1), ("SCH001", 3));
    assert!(
        flagged[0].3.contains("not available in ap-east-2"),
        "{flagged:?}"
    );
    assert_eq!(run(&[], Some("ap-east-2")).len(), 1);
    assert_eq!(run(&["--region", "us-east-1"], Some("ap-east-2")), []);
}

#[test]
fn diff_marks_replacement_from_create_only_properties() {
    let (code, diff) = json_of(
        preflight()
            .current_dir(fixture("schema"))
            .args(["diff", "old.yaml", "new.yaml", "--format", "json"]),
    );
    assert_eq!(code, 0);
    let changes = diff["changes"].as_array().unwrap();
    let find = |id: &str| {
        changes
            .iter()
            .find(|c| c["resource"] == id)
            .unwrap_or_else(|| panic!("{id} is replaced: {diff:#}"))
    };
    let table = find("Orders");
    assert_eq!(table["category"], "stateful-resource");
    assert_eq!(
        table["broadening"], true,
        "a table without Retain loses its data"
    );
    let reason = table["reason"].as_str().unwrap();
    assert!(
        reason.contains("TableName") && reason.contains("KeySchema"),
        "{reason}"
    );
    let bucket = find("Uploads");
    assert!(bucket["reason"].as_str().unwrap().contains("BucketName"));
    let server = find("Server");
    assert_eq!(server["category"], "replacement");
    assert_eq!(server["broadening"], false);
    assert!(server["reason"].as_str().unwrap().contains("ImageId"));
    assert_eq!(diff["broadening"], true);
}
