//! Builds the built-in policy guests for `wasm32-wasip2` and writes `builtins.rs`, which
//! embeds each component (and its precompiled artifact when one matches it).

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The built-in policies: (name, crate).
const GUESTS: &[(&str, &str)] = &[
    ("template", "preflight-policy-template"),
    ("security", "preflight-policy-security"),
    ("guard", "preflight-policy-guard"),
];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let workspace = manifest.join("../..").canonicalize().unwrap();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-env-changed=PREFLIGHT_GUEST_DIR");
    for dir in ["guest", "policies", "template/src", "vendor"] {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }
    let precompiled_dir = workspace.join("target/precompiled");
    println!("cargo:rerun-if-changed={}", precompiled_dir.display());

    let guest_dir = match env::var_os("PREFLIGHT_GUEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => build_guests(&workspace),
    };

    let mut code = String::from(
        "/// Every built-in policy, in evaluation order.\npub static ALL: &[Builtin] = &[\n",
    );
    for (name, krate) in GUESTS {
        let wasm = guest_dir.join(format!("{}.wasm", krate.replace('-', "_")));
        let bytes = std::fs::read(&wasm).unwrap_or_else(|e| {
            panic!(
                "built-in policy `{name}` is missing at {}: {e}",
                wasm.display()
            )
        });
        let digest = hex::encode(Sha256::digest(&bytes));
        let cwasm = precompiled_dir.join(format!("{name}.cwasm"));
        let stamp = precompiled_dir.join(format!("{name}.cwasm.source-sha256"));
        let precompiled = match std::fs::read_to_string(&stamp) {
            Ok(s) if s.trim() == digest && cwasm.is_file() => {
                format!("Some(include_bytes!({:?}))", cwasm.display().to_string())
            }
            _ => "None".to_string(),
        };
        writeln!(
            code,
            "    Builtin {{ name: {name:?}, wasm: include_bytes!({:?}), precompiled: {precompiled} }},",
            wasm.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("builtins.rs"), code).unwrap();
}

/// Runs cargo for the guest crates in a separate target directory (the outer build
/// holds the lock on the main one), sharing the outer build's jobserver.
fn build_guests(workspace: &Path) -> PathBuf {
    let target_dir = workspace.join("target/guests");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-wasip2",
            "--target-dir",
        ])
        .arg(&target_dir);
    for (_, krate) in GUESTS {
        cmd.args(["-p", krate]);
    }
    // The outer build's settings are for the host target, not for the guests.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    if let Some(flags) = env::var_os("CARGO_MAKEFLAGS") {
        cmd.env("MAKEFLAGS", flags);
    }
    let status = cmd
        .status()
        .expect("running cargo to build the policy guests");
    if !status.success() {
        panic!(
            "building the policy guests for wasm32-wasip2 failed ({status}); the compiler's \
             output is above. If the target is missing, run `rustup target add wasm32-wasip2`."
        );
    }
    target_dir.join("wasm32-wasip2/release")
}
