//! `preflight diff`: cdk-style tables, the JSON change set, its digest and
//! `--fail-on-broadening`.

mod common;

use common::{corpus, fixture, json_of, preflight};

#[test]
fn broadening_sam_change_is_flagged_and_digest_ignores_format() {
    let (code, yaml) = json_of(
        preflight()
            .current_dir(fixture("diff"))
            .args(["diff", "old.yaml", "new.yaml", "--format", "json"]),
    );
    assert_eq!(code, 0);
    assert_eq!(yaml["broadening"], true);
    let categories: Vec<&str> = yaml["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["category"].as_str().unwrap())
        .collect();
    assert!(categories.contains(&"iam-statement"), "{categories:?}");
    assert!(categories.contains(&"managed-policy"), "{categories:?}");
    let (_, json) = json_of(
        preflight()
            .current_dir(fixture("diff"))
            .args(["diff", "old.yaml", "new.json", "--format", "json"]),
    );
    assert_eq!(
        yaml["digest"], json["digest"],
        "YAML and JSON spellings of one change"
    );
    let (_, none) = json_of(
        preflight()
            .current_dir(fixture("diff"))
            .args(["diff", "new.yaml", "new.json", "--format", "json"]),
    );
    assert_eq!(none["changes"].as_array().unwrap().len(), 0);
    assert_ne!(none["digest"], yaml["digest"]);
}

#[test]
fn fail_on_broadening_sets_the_exit_code() {
    let run = |args: &[&str]| {
        preflight()
            .current_dir(fixture("diff"))
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(
        run(&["diff", "old.yaml", "new.yaml", "--fail-on-broadening"]),
        Some(1)
    );
    assert_eq!(
        run(&["diff", "new.yaml", "old.yaml", "--fail-on-broadening"]),
        Some(0)
    );
    assert_eq!(run(&["diff", "old.yaml", "missing.yaml"]), Some(2));
}

#[test]
fn a_scalar_or_a_list_is_not_a_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scalar.yaml"), "just text\n").unwrap();
    std::fs::write(dir.path().join("list.json"), "[1, 2]").unwrap();
    let old = fixture("diff/old.yaml");
    for bad in ["scalar.yaml", "list.json"] {
        let path = dir.path().join(bad);
        for args in [[&old, &path], [&path, &old]] {
            let output = preflight().arg("diff").args(args).output().unwrap();
            assert_eq!(output.status.code(), Some(2), "{bad}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(bad) && stderr.contains("a template is a mapping"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn human_tables() {
    let output = preflight()
        .current_dir(fixture("diff"))
        .args(["diff", "old.yaml", "new.yaml"])
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

/// Through the binary, `broadening` agrees with CDK's expectation on every corpus pair
/// whose probe is `permissionsBroadened`.
#[test]
fn cdk_iam_diff_pairs() {
    let Some(dir) = corpus("cdk-iam-diff") else {
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let pair = entry.path();
        let Ok(text) = std::fs::read_to_string(pair.join("expected.json")) else {
            continue;
        };
        let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
        let Some(want) = expected["expects"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|e| {
                (e["probe"]["what"] == "permissionsBroadened")
                    .then(|| e["expected"].as_bool())
                    .flatten()
            })
        else {
            continue;
        };
        let (_, got) = json_of(
            preflight()
                .args(["diff", "--format", "json"])
                .arg(pair.join("old.json"))
                .arg(pair.join("new.json")),
        );
        assert_eq!(
            got["cdk_broadening"].as_bool(),
            Some(want),
            "{}",
            pair.display()
        );
        checked += 1;
    }
    eprintln!("checked {checked} pairs");
    assert!(
        checked >= 6,
        "only {checked} pairs had a permissionsBroadened probe"
    );
}
