//! Adoption on existing repositories: findings baselines (`audit --write-baseline`,
//! `--findings-baseline`, `[audit] findings-baseline`) and `audit --shard K/N`.

mod common;

use std::path::Path;

use common::{corpus, preflight};

/// Runs `audit --format json` in `dir` with `args`; returns exit code, report, stderr.
fn audit(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = preflight()
        .current_dir(dir)
        .args(["audit", "--sam", "off", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), report, stderr)
}

/// The findings of a report that are not suppressed in the template (those stay in
/// the report, marked, and are never recorded in a findings baseline).
fn findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["templates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["findings"].as_array().unwrap().clone())
        .filter(|f| f["suppressed"].is_null())
        .collect()
}

const APP: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: '*'
                Resource: '*'
  Bucket:
    Type: AWS::S3::Bucket
";

/// A statement appended to the role's policy: one more wildcard. (No `\` line
/// continuation: it would drop the first line's indentation.)
const NEW_STATEMENT: &str = "              - Effect: Allow
                Action: 'sqs:*'
                Resource: '*'
";

#[test]
fn baseline_reports_only_new_findings_and_survives_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app/template.yaml");
    std::fs::create_dir_all(app.parent().unwrap()).unwrap();
    std::fs::write(&app, APP).unwrap();

    let (code, before, _) = audit(dir.path(), &[]);
    assert_eq!(code, 1, "the fixture has blocking findings");
    let known = findings(&before).len();
    assert!(known >= 2, "{before:#}");

    // Recording exits 0 and writes every finding, without line numbers.
    let (code, _, stderr) = audit(dir.path(), &["--write-baseline", "known.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("recorded {known} findings")),
        "{stderr}"
    );
    let file = std::fs::read_to_string(dir.path().join("known.json")).unwrap();
    let recorded: serde_json::Value = serde_json::from_str(&file).unwrap();
    assert_eq!(recorded["version"], 1);
    assert!(!file.contains("\"line\""), "{file}");
    assert!(
        file.contains("\"template\": \"app/template.yaml\""),
        "{file}"
    );

    // Nothing new: exit 0, no findings, the known ones counted.
    let (code, after, stderr) = audit(dir.path(), &["--findings-baseline", "known.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(findings(&after), Vec::<serde_json::Value>::new());
    assert!(
        stderr.contains(&format!("0 new findings; {known} known findings")),
        "{stderr}"
    );

    // Lines move (a comment and a parameter above): still all known.
    let moved = APP.replacen(
        "Resources:\n",
        "# moved down\nDescription: >-\n  the same stack,\n  lines further down\nResources:\n",
        1,
    );
    std::fs::write(&app, &moved).unwrap();
    let (code, after, stderr) = audit(dir.path(), &["--findings-baseline", "known.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(findings(&after).is_empty(), "{after:#}");

    // A new wildcard statement is reported, and only it, and it blocks.
    let grown = moved.replace("  Bucket:\n", &format!("{NEW_STATEMENT}  Bucket:\n"));
    std::fs::write(&app, &grown).unwrap();
    let (code, after, stderr) = audit(dir.path(), &["--findings-baseline", "known.json"]);
    assert_eq!(code, 1, "{stderr}");
    let new = findings(&after);
    assert!(!new.is_empty());
    for f in &new {
        assert!(
            f["pointer"]
                .as_str()
                .unwrap()
                .starts_with("/Resources/Role/Properties/Policies/0/PolicyDocument/Statement/1"),
            "{f:#}"
        );
    }
    assert!(
        stderr.contains(&format!("{} new findings", new.len())),
        "{stderr}"
    );

    // The same through [audit] findings-baseline.
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[audit]\nfindings-baseline = \"known.json\"\n",
    )
    .unwrap();
    let (code, via_config, _) = audit(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&via_config).len(), new.len());
}

#[test]
fn a_bad_baseline_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), APP).unwrap();
    std::fs::write(
        dir.path().join("known.json"),
        "{\"version\": 1, \"findings\": [}",
    )
    .unwrap();
    let out = preflight()
        .current_dir(dir.path())
        .args(["audit", "--sam", "off", "--findings-baseline", "known.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("known.json") && stderr.contains("line 1"),
        "{stderr}"
    );
}

#[test]
fn shards_partition_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..7 {
        let sub = dir.path().join(format!("svc{i}"));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            sub.join("template.yaml"),
            "Resources:\n  T:\n    Type: AWS::SNS::Topic\n",
        )
        .unwrap();
    }
    let paths = |report: &serde_json::Value| -> Vec<String> {
        report["templates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, whole, _) = audit(dir.path(), &[]);
    let mut all = paths(&whole);
    all.sort();
    assert_eq!(all.len(), 7);
    let mut union = Vec::new();
    for k in 1..=3 {
        let (_, part, _) = audit(dir.path(), &["--shard", &format!("{k}/3")]);
        let part = paths(&part);
        assert!(part.len() == 2 || part.len() == 3, "{part:?}");
        union.extend(part);
    }
    union.sort();
    assert_eq!(union, all, "every template in exactly one shard");
    let out = preflight()
        .current_dir(dir.path())
        .args(["audit", "--shard", "4/3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// serverless-patterns: a second run against the first run's baseline reports nothing
/// new; one wildcard statement added to one template reports exactly that statement.
#[test]
fn corpus_baseline_on_serverless_patterns() {
    let Some(corpus) = corpus("serverless-patterns") else {
        return;
    };
    // A temporary copy of the templates, so one can be edited.
    let dir = tempfile::tempdir().unwrap();
    let mut copied = 0;
    for entry in walkdir::WalkDir::new(&corpus)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && (name == "template.yaml" || name == "template.yml") {
            let rel = entry.path().strip_prefix(&corpus).unwrap();
            let to = dir.path().join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &to).unwrap();
            copied += 1;
        }
    }
    assert!(copied > 400, "{copied}");
    let (_, first, stderr) = audit(dir.path(), &["--write-baseline", "known.json"]);
    let known = findings(&first).len();
    assert!(known > 100, "{known}: {stderr}");

    let (code, second, stderr) = audit(dir.path(), &["--findings-baseline", "known.json"]);
    assert!(findings(&second).is_empty(), "{stderr}");
    assert!(
        stderr.contains(&format!("0 new findings; {known} known")),
        "{stderr}"
    );
    assert_ne!(code, 1, "nothing new blocks");

    // One template gains a role with one wildcard statement.
    let target = dir.path().join("s3-lambda/template.yaml");
    let target = if target.is_file() {
        target
    } else {
        walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .find(|e| e.file_name() == "template.yaml")
            .unwrap()
            .into_path()
    };
    let mut text = std::fs::read_to_string(&target).unwrap();
    let at = text.find("\nResources:").expect("a Resources section") + "\nResources:\n".len();
    text.insert_str(at, ADDED_ROLE);
    std::fs::write(&target, text).unwrap();
    let (code, third, stderr) = audit(dir.path(), &["--findings-baseline", "known.json"]);
    let new = findings(&third);
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0]["resource"], "PreflightAddedRole", "{new:#?}");
    assert_eq!(new[0]["blocking"], true, "{new:#?}");
    // It blocks (exit 1; 2 because some corpus templates do not load, which wins).
    assert_ne!(code, 0, "{stderr}");
    let edited = third["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["resource"] == "PreflightAddedRole")
        })
        .unwrap();
    assert_eq!(edited["verdict"], "fail");
}

/// Indented as a member of `Resources`.
const ADDED_ROLE: &str = "  PreflightAddedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: wildcard
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: 's3:GetObject'
                Resource: '*'
";
