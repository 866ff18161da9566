//! Builds the built-in policy guests for `wasm32-wasip2` and writes `builtins.rs`, which
//! embeds each component (and its precompiled artifact when one matches it).
//!
//! As wasmtime's `test-programs/artifacts` build script does: the guests are built by a
//! nested cargo into a target directory inside `OUT_DIR`, and this script asks to be
//! rerun when any file the guests were compiled from changes, as their dep-info (`.d`)
//! files list them, rather than on whole directories.

use std::collections::HashSet;
use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The built-in policies, one line each, in evaluation order: the name in
/// configuration, the guest crate, whether it runs without being configured, and its
/// enforcement when the configuration names none.
const GUESTS: &[Guest] = &[
    guest(
        "template",
        "preflight-policy-template",
        ON,
        "hard-mandatory",
    ),
    guest("schema", "preflight-policy-schema", ON, "hard-mandatory"),
    guest(
        "security",
        "preflight-policy-security",
        ON,
        "soft-mandatory",
    ),
    guest("guard", "preflight-policy-guard", OFF, "hard-mandatory"),
    guest("rego", "preflight-policy-rego", OFF, "hard-mandatory"),
];

/// Guests that are their own workspace (excluded from the root one, see its Cargo.toml),
/// built by a second cargo invocation: (crate, manifest relative to the workspace).
const STANDALONE: &[(&str, &str)] = &[("preflight-policy-rego", "policies/rego/Cargo.toml")];

/// Runs without being configured.
const ON: bool = true;
/// Runs only when configured (or given its inputs on the command line).
const OFF: bool = false;

/// One line of [`GUESTS`].
struct Guest {
    name: &'static str,
    krate: &'static str,
    on_by_default: bool,
    enforcement: &'static str,
}

const fn guest(
    name: &'static str,
    krate: &'static str,
    on_by_default: bool,
    enforcement: &'static str,
) -> Guest {
    Guest {
        name,
        krate,
        on_by_default,
        enforcement,
    }
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let workspace = manifest.join("../..").canonicalize().unwrap();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-env-changed=PREFLIGHT_GUEST_DIR");
    let precompiled_dir = workspace.join("target/precompiled");

    let mut deps = DepInfo::new(&workspace);
    let guest_dir = match env::var_os("PREFLIGHT_GUEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => build_guests(&workspace, &out),
    };

    let mut code = String::from(
        "/// Every built-in policy, in evaluation order.\npub static ALL: &[Builtin] = &[\n",
    );
    for Guest {
        name,
        krate,
        on_by_default,
        enforcement,
    } in GUESTS
    {
        let wasm = guest_dir.join(format!("{}.wasm", krate.replace('-', "_")));
        let bytes = std::fs::read(&wasm).unwrap_or_else(|e| {
            panic!(
                "built-in policy `{name}` is missing at {}: {e}",
                wasm.display()
            )
        });
        deps.rerun_on(&wasm);
        let digest = hex::encode(Sha256::digest(&bytes));
        let cwasm = precompiled_dir.join(format!("{name}.cwasm"));
        let stamp = precompiled_dir.join(format!("{name}.cwasm.source-sha256"));
        // Written by `preflight self precompile` (`make build`) after the first build.
        for file in [&cwasm, &stamp] {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let precompiled = match std::fs::read_to_string(&stamp) {
            Ok(s) if s.trim() == digest && cwasm.is_file() => {
                format!("Some(include_bytes!({:?}))", cwasm.display().to_string())
            }
            _ => "None".to_string(),
        };
        writeln!(
            code,
            "    Builtin {{ name: {name:?}, wasm: include_bytes!({:?}), precompiled: {precompiled}, \
             on_by_default: {on_by_default}, enforcement: {enforcement:?} }},",
            wasm.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("builtins.rs"), code).unwrap();
}

/// The files the guests were built from, from cargo's dep-info, each printed once as
/// `rerun-if-changed`, with the manifests of the workspace packages among them (a
/// dependency or feature change edits a manifest, not a source file).
struct DepInfo {
    workspace: PathBuf,
    seen: HashSet<PathBuf>,
}

impl DepInfo {
    fn new(workspace: &Path) -> DepInfo {
        let mut deps = DepInfo {
            workspace: workspace.to_path_buf(),
            seen: HashSet::new(),
        };
        deps.emit(workspace.join("Cargo.lock"));
        deps.emit(workspace.join("Cargo.toml"));
        for (_, manifest) in STANDALONE {
            deps.emit(workspace.join(manifest).with_file_name("Cargo.lock"));
        }
        deps
    }

    /// Reads `<artifact>.d` (a makefile rule: `target: dep dep ...`, spaces in paths
    /// escaped with `\`).
    fn rerun_on(&mut self, artifact: &Path) {
        let Ok(contents) = std::fs::read_to_string(artifact.with_extension("d")) else {
            // Given by PREFLIGHT_GUEST_DIR without dep-info: watch the component itself.
            self.emit(artifact.to_path_buf());
            return;
        };
        for line in contents.lines() {
            let Some(pos) = line.find(": ") else {
                continue;
            };
            let mut parts = line[pos + 2..].split_whitespace();
            while let Some(part) = parts.next() {
                let mut file = part.to_string();
                while file.ends_with('\\') {
                    file.pop();
                    file.push(' ');
                    file.push_str(parts.next().unwrap_or_default());
                }
                let file = PathBuf::from(file);
                if let Some(manifest) = self.manifest_of(&file) {
                    self.emit(manifest);
                }
                self.emit(file);
            }
        }
    }

    /// The `Cargo.toml` of the workspace package (member or vendored) `file` belongs to.
    fn manifest_of(&self, file: &Path) -> Option<PathBuf> {
        file.ancestors()
            .skip(1)
            .take_while(|dir| dir.starts_with(&self.workspace) && *dir != self.workspace)
            .map(|dir| dir.join("Cargo.toml"))
            .find(|manifest| manifest.is_file())
    }

    fn emit(&mut self, file: PathBuf) {
        if self.seen.insert(file.clone()) {
            println!("cargo:rerun-if-changed={}", file.display());
        }
    }
}

/// Runs cargo for the guest crates in a target directory inside `OUT_DIR` (the outer
/// build holds the lock on the main one), sharing the outer build's jobserver.
fn build_guests(workspace: &Path, out: &Path) -> PathBuf {
    let target_dir = out.join("guests");
    let members = GUESTS
        .iter()
        .map(|g| g.krate)
        .filter(|krate| !STANDALONE.iter().any(|(k, _)| k == krate));
    cargo_build(workspace, &target_dir, None, members);
    for (krate, manifest) in STANDALONE {
        cargo_build(workspace, &target_dir, Some(manifest), [*krate]);
    }
    target_dir.join("wasm32-wasip2/release")
}

/// One `cargo build` of guest crates for `wasm32-wasip2` into `target_dir`, from the
/// root workspace or from the standalone one at `manifest`.
fn cargo_build<'a>(
    workspace: &Path,
    target_dir: &Path,
    manifest: Option<&str>,
    krates: impl IntoIterator<Item = &'a str>,
) {
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
        .arg(target_dir);
    if let Some(manifest) = manifest {
        cmd.args(["--manifest-path", manifest]);
    }
    for krate in krates {
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
    // The guests are the audit's hot code and small enough to optimise whole: one codegen
    // unit and fat LTO (not the workspace profile's incremental 16 units, which suit the
    // host's wasmtime) make them about 3% cheaper to run (docs/benchmarks.md) for about a
    // minute more of building.
    cmd.env("CARGO_PROFILE_RELEASE_LTO", "fat")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false");
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
}
