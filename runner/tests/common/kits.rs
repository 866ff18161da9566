//! Building Python and JavaScript policy components for the tests, once per content.
//!
//! A component is built by the real toolchain (`make test-deps` installs componentize-py
//! into target/venv and componentize-js into target/node) and kept under
//! `target/kits/`, named by the SHA-256 of everything that goes into it (the policy, the
//! kit, the WIT contract, the toolchain's version): a test run builds each distinct
//! policy once, and a later run with nothing changed builds none. The compiled native
//! code is cached by preflight's own disk cache (`target/test-cache`, keyed by the
//! component's SHA-256), so the first compile is also paid once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::workspace;

/// A policy language with a component toolchain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// componentize-py.
    Python,
    /// componentize-js.
    Js,
}

impl Lang {
    fn kit(self) -> PathBuf {
        workspace().join(match self {
            Lang::Python => "kits/python/preflight_policy",
            Lang::Js => "kits/js/preflight-policy.js",
        })
    }

    /// The toolchain's executable.
    pub fn tool(self) -> PathBuf {
        let tool = workspace().join(match self {
            Lang::Python => "target/venv/bin/componentize-py",
            Lang::Js => "target/node/node_modules/.bin/componentize-js",
        });
        assert!(
            tool.is_file(),
            "{} is missing: run `make test-deps`",
            tool.display()
        );
        tool
    }

    fn version(self) -> &'static str {
        match self {
            Lang::Python => "componentize-py 0.25.1",
            Lang::Js => "componentize-js 0.23.0 -d http -d fetch-event",
        }
    }
}

/// One build at a time per test process: each is CPU-heavy already.
static BUILDING: Mutex<()> = Mutex::new(());

/// The component for the policy in `source` (one module: `policy.py` or `policy.js`
/// importing the kit), built now or taken from `target/kits/`.
pub fn component(lang: Lang, source: &Path) -> PathBuf {
    let key = hash_inputs(lang, source);
    let stem = source.file_stem().unwrap().to_string_lossy();
    let out = workspace()
        .join("target/kits")
        .join(format!("{stem}-{}.wasm", &key[..16]));
    let _guard = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
    if out.is_file() {
        return out;
    }
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    copy_tree(&workspace().join("guest/wit"), &dir.join("wit"));
    let built = dir.join("policy.wasm");
    let mut cmd = Command::new(lang.tool());
    cmd.current_dir(dir);
    match lang {
        Lang::Python => {
            copy_tree(&lang.kit(), &dir.join("preflight_policy"));
            std::fs::copy(source, dir.join("policy.py")).unwrap();
            cmd.args(["-d", "wit", "-w", "policy", "componentize", "policy", "-o"])
                .arg(&built);
        }
        Lang::Js => {
            std::fs::copy(lang.kit(), dir.join("preflight-policy.js")).unwrap();
            std::fs::copy(source, dir.join("policy.js")).unwrap();
            cmd.args(["policy.js", "--wit", "wit", "-n", "policy"])
                .args(["-d", "http", "-d", "fetch-event", "-o"])
                .arg(&built);
        }
    }
    let output = cmd.output().expect("running the component toolchain");
    assert!(
        output.status.success() && built.is_file(),
        "building {} with {} failed:\n{}{}",
        source.display(),
        lang.version(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    // Another test process may build the same component: the rename is atomic.
    let partial = out.with_extension(format!("wasm.{}", std::process::id()));
    std::fs::copy(&built, &partial).unwrap();
    std::fs::rename(&partial, &out).unwrap();
    out
}

fn hash_inputs(lang: Lang, source: &Path) -> String {
    let mut hasher = Sha256::new();
    hasher.update(lang.version());
    for file in [source.to_path_buf()]
        .into_iter()
        .chain(files(&lang.kit()))
        .chain(files(&workspace().join("guest/wit")))
    {
        hasher.update(file.file_name().unwrap().as_encoded_bytes());
        hasher.update(std::fs::read(&file).unwrap());
    }
    hex::encode(hasher.finalize())
}

/// The files under `path` (itself when a file), sorted, without Python caches.
fn files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = walkdir(path)
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "__pycache__"))
        .collect();
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for file in files(from) {
        let dest = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&file, dest).unwrap();
    }
}
