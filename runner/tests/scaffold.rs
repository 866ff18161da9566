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

/// `policy new --lang LANG`, then `make test` (the native unit tests, the build, the
/// YAML cases in the sandbox) as generated, then `preflight check` with the component
/// pinned in preflight.toml: the findings at their lines and columns.
fn new_kit_policy_tests_builds_and_runs(lang: &str, tool: (&str, &str)) {
    let work = tempfile::tempdir().unwrap();
    let name = format!("acme-{lang}");
    let dir = work.path().join(&name);
    let output = preflight()
        .args(["policy", "new", &name, "--lang", lang, "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let preflight_bin = assert_cmd::cargo::cargo_bin("preflight");
    // One command builds it; `make test` runs every test as generated.
    let make = Command::new("make")
        .current_dir(&dir)
        .arg("test")
        .arg(format!("{}={}", tool.0, workspace().join(tool.1).display()))
        .arg(format!("PREFLIGHT={}", preflight_bin.display()))
        .env("PREFLIGHT_CACHE_DIR", workspace().join("target/test-cache"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&make.stdout);
    assert!(
        make.status.success(),
        "make test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&make.stderr)
    );
    assert!(
        stdout.contains("ok: 1 test file, 3 cases: 3 passed, 0 failed, 0 errors"),
        "{stdout}"
    );
    let wasm = dir.join(format!("{name}.wasm"));
    std::fs::write(
        work.path().join("preflight.toml"),
        format!(
            "[policies.{name}]\npath = {:?}\nsha256 = {:?}\n",
            wasm.display().to_string(),
            sha256(&wasm)
        ),
    )
    .unwrap();
    let (exit, report) = json_of(
        preflight()
            .current_dir(work.path())
            .args([
                "check", "--sam", "off", "--policy", &name, "--format", "json",
            ])
            .arg(dir.join("tests/fixtures/bucket_versioning.yaml")),
    );
    let findings = report["templates"][0]["findings"].as_array().unwrap();
    let at: Vec<(&str, u64, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["resource"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(at, [("Suspended", 11, 9), ("Plain", 12, 3)], "{report:#}");
    // Codes start with the policy's initials: acme-python -> AP001, acme-js -> AJ001.
    let code = format!("A{}001", lang[..1].to_ascii_uppercase());
    assert!(
        findings
            .iter()
            .all(|f| f["rule"] == code.as_str() && f["policy"] == name.as_str()),
        "{report:#}"
    );
    assert_eq!(exit, 1);
}

#[test]
fn new_python_policy_tests_builds_and_runs() {
    new_kit_policy_tests_builds_and_runs(
        "python",
        ("COMPONENTIZE_PY", "target/venv/bin/componentize-py"),
    );
}

#[test]
fn new_js_policy_tests_builds_and_runs() {
    new_kit_policy_tests_builds_and_runs(
        "js",
        (
            "COMPONENTIZE_JS",
            "target/node/node_modules/.bin/componentize-js",
        ),
    );
}
