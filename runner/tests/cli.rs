//! End-to-end tests of `preflight check`, `audit` and `policy list` through the binary.

mod common;

use common::{fixture, json_of, preflight};
use serde_json::Value;

fn check_json(args: &[&str]) -> (i32, Value) {
    json_of(
        preflight()
            .current_dir(fixture(""))
            .args(["check", "--sam", "off", "--format", "json"])
            .args(args),
    )
}

#[test]
fn missing_sub_target_is_located_exactly() {
    let (code, report) = check_json(&["missing-sub.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(report["version"], 1);
    assert_eq!(report["verdict"], "fail");
    let t = &report["templates"][0];
    assert_eq!(t["path"], "missing-sub.yaml");
    assert_eq!(t["verdict"], "fail");
    assert_eq!(t["error"], Value::Null);
    assert_eq!(t["sam"], Value::Null);
    let f = t["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "TPL001")
        .expect("TPL001 fires");
    // `                - !Sub "${AWS::StackName}-${DeadLetters}"`: the placeholder itself.
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(12), Some(43))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(12), Some(57))
    );
    assert_eq!(
        f["pointer"],
        "/Resources/Queue/Properties/Tags/0/Value/Fn::Join/1/1/Fn::Sub"
    );
    assert_eq!(f["resource"], "Queue");
    assert_eq!(f["policy"], "template");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["blocking"], true);
    assert_eq!(f["file"], "missing-sub.yaml");
    assert!(f["message"].as_str().unwrap().contains("DeadLetters"));
    let rules = t["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["rule"] == "TPL001" && r["policy"] == "template" && r["status"] == "fail")
    );
}

#[test]
fn yaml_and_json_twins_give_the_same_findings() {
    let key = |report: &Value| -> Vec<(String, String, String)> {
        report["templates"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["pointer"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (yaml_code, yaml) = check_json(&["missing-sub.yaml"]);
    let (json_code, json) = check_json(&["missing-sub.json"]);
    assert_eq!(yaml_code, json_code);
    assert!(!key(&yaml).is_empty());
    assert_eq!(key(&yaml), key(&json));
    // The JSON twin is located in its own source.
    let f = &json["templates"][0]["findings"][0];
    assert_eq!(f["line"], 11);
}

#[test]
fn clean_template_passes() {
    let (code, report) = check_json(&["clean.yaml"]);
    let blocking: Vec<&Value> = report["templates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["blocking"] == true)
        .collect();
    assert!(blocking.is_empty(), "{blocking:#?}");
    assert_eq!(code, 0, "{report:#}");
    assert_ne!(report["verdict"], "fail");
}

#[test]
fn human_report_shows_snippet_and_caret() {
    let output = preflight()
        .current_dir(fixture(""))
        .args(["check", "--sam", "off", "missing-sub.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    insta::with_settings!({filters => vec![(r"\(\d+ ms\)", "(N ms)")]}, {
        insta::assert_snapshot!(stdout);
    });
}

#[test]
fn malformed_template_is_an_input_error_with_location() {
    let (code, report) = check_json(&["malformed.yaml"]);
    assert_eq!(code, 2);
    let error = &report["templates"][0]["error"];
    assert_eq!(error["line"], 5, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("syntax error"),
        "{error}"
    );
    assert_eq!(report["templates"][0]["verdict"], "fail");
}

#[test]
fn missing_file_is_an_input_error() {
    let output = preflight()
        .current_dir(fixture(""))
        .args(["check", "--sam", "off", "does-not-exist.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("cannot read file"), "{stdout}");
}

#[test]
fn unknown_config_key_is_rejected_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[sandbox]\ntimeout-ms = 100\nmemroy-mib = 4\n",
    )
    .unwrap();
    let output = preflight()
        .current_dir(dir.path())
        .args(["check", "--sam", "off"])
        .arg(fixture("clean.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("memroy-mib"), "{stderr}");
}

#[test]
fn bad_flag_is_a_usage_error() {
    let output = preflight()
        .args(["check", "--frobnicate", "x.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn sam_required_without_sam_is_an_error() {
    let output = preflight()
        .env("PATH", "/nonexistent")
        .args(["check", "--sam", "required"])
        .arg(fixture("clean.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("sam"));
}

#[test]
fn audit_finds_templates_by_content_and_reports_load_errors() {
    let (code, report) = json_of(
        preflight()
            .current_dir(fixture("audit"))
            .args(["audit", "--format", "json"]),
    );
    let paths: Vec<&str> = report["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["./app/template.yaml", "./other/broken.yaml"]);
    assert_eq!(code, 2, "a template that does not load is an input error");
    let broken = &report["templates"][1];
    assert_eq!(broken["error"]["line"], 6);
    let app = &report["templates"][0];
    assert!(
        app["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "TPL001")
    );
}

#[test]
fn policy_list_describes_rules() {
    let (code, list) = json_of(preflight().args(["policy", "list", "--format", "json"]));
    assert_eq!(code, 0);
    let template = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "template")
        .expect("template policy listed");
    let tpl001 = template["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "TPL001")
        .unwrap();
    assert_eq!(tpl001["severity"], "high");
    assert!(tpl001["help"].as_str().unwrap().contains("## What it does"));
    assert!(tpl001["equivalents"]["cfn-lint"].is_array());
}

#[test]
fn no_colour_when_output_is_not_a_terminal() {
    let output = preflight()
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .current_dir(fixture(""))
        .args(["check", "--sam", "off", "missing-sub.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("error[TPL001]"), "{stdout}");
    assert!(
        !stdout.contains('\x1b'),
        "ANSI escapes in piped output: {stdout:?}"
    );
}
