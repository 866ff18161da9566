//! The authoring loop end to end: `preflight policy new` makes a crate whose tests pass
//! natively as generated, which builds for wasm32-wasip2, and which `preflight check`
//! then runs from preflight.toml, pinned by its SHA-256.

mod common;

use std::process::Command;

use common::{json_of, preflight, sha256, workspace};

fn cargo(dir: &std::path::Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(dir)
        .args(args)
        // Shared across runs so the SDK's dependencies build once.
        .env("CARGO_TARGET_DIR", workspace().join("target/scaffold-test"))
        .env("INSTA_UPDATE", "no")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .unwrap();
    assert!(
        status.success(),
        "cargo {args:?} failed in {}",
        dir.display()
    );
}

#[test]
fn new_policy_tests_builds_and_runs() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("acme-rules");
    let output = preflight()
        .args(["policy", "new", "acme-rules", "--dir"])
        .arg(&dir)
        .arg("--sdk")
        .arg(workspace().join("guest"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The generated test, with its accepted snapshot, passes as is.
    cargo(&dir, &["test", "--release", "--quiet"]);
    cargo(
        &dir,
        &["build", "--release", "--quiet", "--target", "wasm32-wasip2"],
    );
    let wasm = workspace().join("target/scaffold-test/wasm32-wasip2/release/acme_rules.wasm");
    assert!(wasm.is_file());

    std::fs::write(
        work.path().join("preflight.toml"),
        format!(
            "[policies.acme-rules]\npath = {:?}\nsha256 = {:?}\n",
            wasm.display().to_string(),
            sha256(&wasm)
        ),
    )
    .unwrap();
    let (code, report) = json_of(
        preflight()
            .current_dir(work.path())
            .args([
                "check",
                "--sam",
                "off",
                "--policy",
                "acme-rules",
                "--format",
                "json",
            ])
            .arg(dir.join("tests/fixtures/bucket_versioning.yaml")),
    );
    let findings = report["templates"][0]["findings"].as_array().unwrap();
    let ids: Vec<(&str, u64)> = findings
        .iter()
        .map(|f| (f["resource"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(ids, [("Suspended", 11), ("Plain", 12)], "{report:#}");
    assert!(
        findings
            .iter()
            .all(|f| f["rule"] == "AR001" && f["policy"] == "acme-rules")
    );
    assert_eq!(code, 1);

    // A second `new` into the same place is refused.
    let again = preflight()
        .args(["policy", "new", "acme-rules", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}
