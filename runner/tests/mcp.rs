//! `preflight mcp`, driven by the official Python MCP client (`mcp` from PyPI, in
//! target/venv; `make test-deps`): runner/tests/mcp_client.py lists the tools, checks a
//! template, plans and attempts deploys, and approves at a pseudo-terminal.

mod common;

use common::{fixture, workspace};

#[test]
fn python_mcp_client_drives_the_gate() {
    let python = workspace().join("target/venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run `make test-deps`",
        python.display()
    );
    let project = tempfile::tempdir().unwrap();
    let iam = fixture("deploy/iam");
    for entry in std::fs::read_dir(&iam).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), project.path().join(entry.file_name())).unwrap();
    }
    std::fs::copy(
        fixture("missing-sub.yaml"),
        project.path().join("missing-sub.yaml"),
    )
    .unwrap();
    let out = std::process::Command::new(python)
        .arg(workspace().join("runner/tests/mcp_client.py"))
        .arg(assert_cmd::cargo::cargo_bin("preflight"))
        .arg(project.path())
        .env("PREFLIGHT_CACHE_DIR", workspace().join("target/test-cache"))
        .env_remove("PREFLIGHT_APPROVER")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "mcp client failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("mcp client: 25 passed, 0 failed"),
        "{stdout}"
    );
}
