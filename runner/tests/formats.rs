//! Every report format, snapshotted on the same run.

mod common;

use common::{fixture, preflight};

fn render(format: &str) -> String {
    let output = preflight()
        .current_dir(fixture(""))
        .args([
            "check",
            "--sam",
            "off",
            "--policy",
            "template",
            "--format",
            format,
            "missing-sub.yaml",
            "clean.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r#""duration_ms": \d+"#, "\"duration_ms\": N");
    s.add_filter(r"\(\d+ ms\)", "(N ms)");
    s.add_filter(r#""version": "\d+\.\d+\.\d+""#, "\"version\": \"X\"");
    // SARIF's %SRCROOT% is the working directory.
    s.add_filter(r#""uri": "file:///[^"]*""#, "\"uri\": \"file:///SRCROOT/\"");
    s
}

#[test]
fn sarif() {
    let text = render("sarif");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], "2.1.0");
    assert_eq!(
        value["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    settings().bind(|| insta::assert_snapshot!(text));
}

#[test]
fn junit() {
    settings().bind(|| insta::assert_snapshot!(render("junit")));
}

#[test]
fn github() {
    settings().bind(|| insta::assert_snapshot!(render("github")));
}

#[test]
fn markdown() {
    settings().bind(|| insta::assert_snapshot!(render("markdown")));
}

#[test]
fn json() {
    settings().bind(|| insta::assert_snapshot!(render("json")));
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let status = preflight()
        .current_dir(fixture(""))
        .args(["check", "--sam", "off", "--format", "sarif", "-o"])
        .arg(&out)
        .arg("clean.yaml")
        .output()
        .unwrap();
    assert!(status.stdout.is_empty());
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(value["version"], "2.1.0");
}
