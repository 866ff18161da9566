//! Shared helpers for the end-to-end tests.
#![allow(dead_code)]

pub mod kits;
pub mod moto;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// A fixture under runner/tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The shared corpus, when this checkout sits next to it.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = workspace().join("../shared/corpus").join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: corpus {} is absent (../shared/corpus not found)",
            sub
        );
        None
    }
}

/// The preflight binary under test, with a compile cache shared by the tests.
pub fn preflight() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("preflight").unwrap();
    cmd.env("PREFLIGHT_CACHE_DIR", workspace().join("target/test-cache"))
        .env_remove("PREFLIGHT_LOG")
        .env("NO_COLOR", "1");
    cmd
}

/// Builds the hostile test guest for wasm32-wasip2 once and returns its path.
pub fn hostile_guest() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let root = workspace();
        let target_dir = root.join("target/guests");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(&root)
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip2",
                "-p",
                "preflight-hostile-guest",
                "--target-dir",
            ])
            .arg(&target_dir)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("running cargo to build the hostile guest");
        assert!(status.success(), "building the hostile guest failed");
        target_dir.join("wasm32-wasip2/release/preflight_hostile_guest.wasm")
    })
    .clone()
}

/// SHA-256 of a file, hex.
pub fn sha256(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// Runs a command and parses its stdout as JSON.
pub fn json_of(cmd: &mut assert_cmd::Command) -> (i32, serde_json::Value) {
    let output = cmd.output().unwrap();
    let code = output.status.code().unwrap_or(-1);
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); exit {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, value)
}
