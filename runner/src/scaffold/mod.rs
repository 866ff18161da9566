//! `preflight policy new`: a new policy, ready to test and to build into a component,
//! with one example rule (every S3 bucket turns on versioning), its fixture and tests.
//!
//! In Rust (this module): a crate depending on the SDK, tested natively with a snapshot.
//! In Python ([`python`]) and JavaScript ([`js`]): the kit (`kits/`) and the WIT contract
//! copied in, so the policy builds on its own, a native unit test, YAML test cases for
//! `preflight policy test`, and a Makefile whose `make` builds the component.

pub mod init;
mod js;
mod python;

use std::path::{Path, PathBuf};

/// The language of a new policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// A Rust crate built for wasm32-wasip2.
    #[default]
    Rust,
    /// A Python module built with componentize-py.
    Python,
    /// A JavaScript module built with componentize-js.
    Js,
}

/// Why a policy could not be created.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name is not usable as a crate and policy name.
    #[error("policy name `{0}` must be lowercase letters, digits and `-`, starting with a letter")]
    BadName(String),
    /// The target directory exists and is not empty.
    #[error("{0} already exists and is not empty")]
    Exists(PathBuf),
    /// The SDK could not be found.
    #[error(
        "cannot find the preflight-policy SDK; pass --sdk PATH (the `guest/` directory of a preflight checkout)"
    )]
    NoSdk,
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The SDK this binary was built from, when its sources are still there.
pub fn default_sdk() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest");
    dir.join("wit/policy.wit")
        .is_file()
        .then(|| dir.canonicalize().ok())
        .flatten()
}

/// Writes policy `name` in `lang` into `dir`; a Rust policy depends on the SDK at `sdk`
/// (the others carry their kit). Returns the files written.
pub fn create_in(
    lang: Lang,
    name: &str,
    dir: &Path,
    sdk: Option<&Path>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    match lang {
        Lang::Rust => create(name, dir, sdk.ok_or(ScaffoldError::NoSdk)?),
        Lang::Python | Lang::Js => {
            check_target(name, dir)?;
            let code = code_prefix(name);
            let files = if lang == Lang::Python {
                python::files(name, &code)
            } else {
                js::files(name, &code)
            };
            write(dir, files)
        }
    }
}

/// Refuses a bad name, or a target directory that exists and is not empty.
fn check_target(name: &str, dir: &Path) -> Result<(), ScaffoldError> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.len() <= 40;
    if !valid {
        return Err(ScaffoldError::BadName(name.to_string()));
    }
    if dir.exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(ScaffoldError::Exists(dir.to_path_buf()));
    }
    Ok(())
}

/// Writes the crate for policy `name` into `dir`, depending on the SDK at `sdk`.
/// Returns the files written.
pub fn create(name: &str, dir: &Path, sdk: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    check_target(name, dir)?;
    if !sdk.join("wit/policy.wit").is_file() {
        return Err(ScaffoldError::NoSdk);
    }
    let sdk = sdk.canonicalize().unwrap_or_else(|_| sdk.to_path_buf());
    // The crate names the SDK by a path relative to itself, so the pair can move
    // together and the file carries no machine's absolute path.
    std::fs::create_dir_all(dir).map_err(|source| ScaffoldError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let sdk = dir
        .canonicalize()
        .map(|d| relative_path(&d, &sdk))
        .unwrap_or(sdk);
    let ident = pascal(name);
    let code = code_prefix(name);
    let files: Vec<(String, String)> = vec![
        ("Cargo.toml".into(), cargo_toml(name, &sdk)),
        ("src/lib.rs".into(), lib_rs(name, &ident)),
        ("src/rules/mod.rs".into(), RULES_MOD.to_string()),
        (
            "src/rules/bucket_versioning.rs".into(),
            rule_rs(&code, &ident),
        ),
        (
            "tests/fixtures/bucket_versioning.yaml".into(),
            FIXTURE.to_string(),
        ),
        (
            format!(
                "src/rules/snapshots/{}__rules__bucket_versioning__tests__bucket_versioning.snap",
                name.replace('-', "_")
            ),
            snapshot(&code),
        ),
        ("README.md".into(), readme(name)),
        (".gitignore".into(), "/target\n".to_string()),
    ];
    write(dir, files)
}

/// Writes `(relative path, text)` pairs under `dir`.
fn write(dir: &Path, files: Vec<(String, String)>) -> Result<Vec<PathBuf>, ScaffoldError> {
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(&relative);
        let io = |source| ScaffoldError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(io)?;
        std::fs::write(&path, text).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

fn pascal(name: &str) -> String {
    name.split('-')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Rule codes start with the policy's initials: `acme-rules` → `AR001`.
fn code_prefix(name: &str) -> String {
    let initials: String = name
        .split('-')
        .filter_map(|p| p.chars().next())
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if initials.is_empty() {
        "POL".to_string()
    } else {
        initials
    }
}

/// `target` as a path relative to the directory `from` (both absolute).
fn relative_path(from: &Path, target: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn cargo_toml(name: &str, sdk: &Path) -> String {
    let sdk = sdk.display().to_string().replace('\\', "/");
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

# A policy is its own workspace, wherever it lives.
[workspace]

[lib]
crate-type = ["cdylib", "rlib"]

# The policy SDK: the `guest/` directory of a preflight checkout, relative to this
# crate. Moving the crate elsewhere? Point both paths at that directory again (or
# regenerate with `preflight policy new NAME --sdk PATH/TO/guest`).
[dependencies]
preflight-policy = {{ path = "{sdk}" }}
serde_json = "1"

[dev-dependencies]
preflight-policy = {{ path = "{sdk}", features = ["testing"] }}
insta = "1"

[profile.release]
opt-level = "s"
"#
    )
}

fn lib_rs(name: &str, ident: &str) -> String {
    format!(
        r#"//! The `{name}` policy for preflight.

mod rules;

use preflight_policy::declare_policy;

declare_policy! {{
    /// The `{name}` policy.
    pub struct {ident}Policy {{
        id: "{name}",
        version: env!("CARGO_PKG_VERSION"),
        description: "Describe what this policy checks, for `preflight policy list`.",
        rules: [
            rules::bucket_versioning::BucketVersioning,
        ],
    }}
}}

#[cfg(target_arch = "wasm32")]
preflight_policy::export_policy!({ident}Policy);
"#
    )
}

const RULES_MOD: &str =
    "//! One rule per module; register each in `lib.rs`.\n\npub mod bucket_versioning;\n";

fn rule_rs(code: &str, ident: &str) -> String {
    format!(
        r#"use preflight_policy::prelude::*;

declare_rule! {{
    /// ## What it does
    /// Checks that every S3 bucket turns on versioning.
    ///
    /// ## Why is this bad?
    /// Without versioning, an overwrite or a delete loses data for good.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
    ///   Type: AWS::S3::Bucket
    /// ```
    ///
    /// ## Fix
    /// Set `VersioningConfiguration.Status` to `Enabled`.
    pub struct BucketVersioning {{
        id: "{code}001",
        name: "bucket-versioning",
        title: "S3 buckets turn on versioning",
        severity: Medium,
        resource_types: ["AWS::S3::Bucket"],
    }}
}}

impl Rule for BucketVersioning {{
    fn check(&self, cx: &Context, out: &mut Findings) {{
        for bucket in cx.template.resources_of_type("AWS::S3::Bucket") {{
            let status = bucket.property_path("VersioningConfiguration/Status");
            if status.as_ref().and_then(Node::as_str) != Some("Enabled") {{
                let at = status.unwrap_or_else(|| bucket.node.clone());
                out.add(&at, format!("bucket `{{}}` does not turn on versioning", bucket.id));
            }}
        }}
    }}
}}

#[cfg(test)]
mod tests {{
    use preflight_policy::testing::run_file;

    #[test]
    fn bucket_versioning() {{
        let outcome = run_file::<crate::{ident}Policy>("tests/fixtures/bucket_versioning.yaml");
        assert_eq!(outcome.fired(), ["{code}001"]);
        insta::assert_snapshot!(outcome.render());
    }}
}}
"#
    )
}

/// The example rule's accepted snapshot, so `cargo test` passes from the start.
fn snapshot(code: &str) -> String {
    format!(
        r#"---
source: src/rules/bucket_versioning.rs
expression: outcome.render()
---
{code}001 medium tests/fixtures/bucket_versioning.yaml:11:9 [Suspended] bucket `Suspended` does not turn on versioning
    |         Status: Suspended
    |         ^^^^^^^^^^^^^^^^^
{code}001 medium tests/fixtures/bucket_versioning.yaml:12:3 [Plain] bucket `Plain` does not turn on versioning
    |   Plain:
    |   ^^^^^^
rules: {code}001=fail
"#
    )
}

/// The WIT contract the Python and JavaScript policies are built against.
const WIT: &str = include_str!("../../../guest/wit/policy.wit");

/// `preflight policy test` cases for the example rule (Python and JavaScript), passing as
/// generated: the fixture's two findings by line, and a versioned bucket passing.
fn cases_yaml(name: &str, code: &str) -> String {
    format!(
        r#"# Test cases for `preflight policy test --wasm {name}.wasm -t tests/cases.yaml`:
# each runs the component in the sandbox, as `preflight check` does.
- name: a suspended bucket and a bucket without versioning fail
  template: fixtures/bucket_versioning.yaml
  findings:
    - {{ rule: {code}001, line: 11, column: 9, resource: Suspended }}
    - {{ rule: {code}001, line: 12, column: 3, resource: Plain }}
- name: a versioned bucket passes
  template:
    Resources:
      Versioned:
        Type: AWS::S3::Bucket
        Properties:
          VersioningConfiguration:
            Status: Enabled
  findings: []
  rules:
    {code}001: pass
- name: a template without buckets skips the rule
  template:
    Resources:
      Queue:
        Type: AWS::SQS::Queue
  rules:
    {code}001: skip
"#
    )
}

/// How to pin the built component, for the READMEs.
fn pin_readme(name: &str, wasm: &str) -> String {
    format!(
        r#"Then in the project's `preflight.toml` (`sha256sum {wasm}` gives the pin):

```toml
[policies.{name}]
path = "path/to/{name}/{wasm}"
sha256 = "<the sha256 of {wasm}>"
enforcement = "hard-mandatory"   # or soft-mandatory, advisory
```

`preflight policy list` shows its rules; `preflight check template.yaml` runs it.
"#
    )
}

/// The example rule's fixture: one versioned bucket, one suspended (line 11), one
/// without versioning (line 12).
const FIXTURE: &str = r#"Resources:
  Versioned:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
  Suspended:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Suspended
  Plain:
    Type: AWS::S3::Bucket
"#;

fn readme(name: &str) -> String {
    let wasm = name.replace('-', "_");
    format!(
        r#"# {name}

A preflight policy.

```sh
cargo test                                             # rules, natively, with snapshots (cargo insta review)
cargo build --release --target wasm32-wasip2           # the component
sha256sum target/wasm32-wasip2/release/{wasm}.wasm
```

Then in the project's `preflight.toml`:

```toml
[policies.{name}]
path = "path/to/{name}/target/wasm32-wasip2/release/{wasm}.wasm"
sha256 = "<the sha256 above>"
enforcement = "hard-mandatory"   # or soft-mandatory, advisory
```

`preflight policy list` shows its rules; `preflight check template.yaml` runs it.
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(pascal("acme-rules"), "AcmeRules");
        assert_eq!(code_prefix("acme-rules"), "AR");
        assert!(matches!(
            create("Bad Name", Path::new("/nonexistent"), Path::new(".")),
            Err(ScaffoldError::BadName(_))
        ));
    }
}
