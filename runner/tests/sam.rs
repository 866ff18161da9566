//! `sam validate` alongside the policies, with the real SAM CLI (`make test` installs it
//! into target/venv and puts it on PATH). These tests fail, not skip, when `sam` is
//! missing: the gate's behaviour with sam present is part of what is tested.

mod common;

use common::{fixture, json_of, preflight};

fn require_sam() {
    assert!(
        preflight::sam::find_on_path("sam").is_some(),
        "the SAM CLI is not on PATH: run the tests with `make test` (it installs aws-sam-cli into target/venv)"
    );
}

#[test]
fn valid_template_passes_sam_validate() {
    require_sam();
    let (code, report) = json_of(
        preflight()
            .current_dir(fixture(""))
            .args([
                "check",
                "--sam",
                "required",
                "--format",
                "json",
                "clean.yaml",
            ])
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION"),
    );
    let sam = &report["templates"][0]["sam"];
    assert_eq!(sam["status"], "passed", "{sam:#}");
    assert_eq!(sam["exit_code"], 0);
    assert!(sam["duration_ms"].as_u64().unwrap() > 0);
    assert!(
        sam["command"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "us-east-1"),
        "a region is defaulted so validation works offline: {sam:#}"
    );
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn invalid_sam_template_fails_and_blocks() {
    require_sam();
    let (code, report) = json_of(preflight().current_dir(fixture("")).args([
        "check",
        "--sam",
        "auto",
        "--policy",
        "security",
        "--format",
        "json",
        "bad-sam.yaml",
    ]));
    let t = &report["templates"][0];
    assert_eq!(t["sam"]["status"], "failed", "{t:#}");
    assert!(
        t["sam"]["output"]
            .as_str()
            .unwrap()
            .contains("Property 'Path' is required"),
        "{t:#}"
    );
    assert_eq!(t["verdict"], "fail");
    assert_eq!(code, 1);
}

#[test]
fn human_report_shows_the_sam_failure() {
    require_sam();
    let output = preflight()
        .current_dir(fixture(""))
        .args([
            "check",
            "--sam",
            "auto",
            "--policy",
            "security",
            "bad-sam.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("sam validate failed"), "{stdout}");
    assert!(stdout.contains("sam validate: failed"), "{stdout}");
}
