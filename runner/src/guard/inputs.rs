//! What the guard policy is given besides the template: its rules files and input
//! parameters, from `[policies.guard]` and `--rules` / `--input-parameters`, read into
//! its settings. Directories are walked as cfn-guard walks them, sorted so runs are
//! reproducible.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preflight_template::{LoadError, Template};
use serde_json::{Value, json};

use super::BUILTIN;
use crate::config::PolicyConfig;

/// A Guard rules or parameters file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A rules file could not be read.
    #[error("cannot read Guard rules {}: {source}", .path.display())]
    Rules {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A parameters file could not be loaded.
    #[error("cannot read Guard parameters {}: {source}", .path.display())]
    Parameters {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: LoadError,
    },
}

/// Adds the guard policy to `wanted` when it has rules: those configured (relative to
/// `base`, the configuration's directory) and those given on the command line.
pub fn configure(
    wanted: &mut BTreeMap<String, PolicyConfig>,
    base: &Path,
    rules: &[PathBuf],
    parameters: &[PathBuf],
) {
    let mut guard = wanted.remove(BUILTIN).unwrap_or_default();
    guard.rules = guard.rules.iter().map(|p| base.join(p)).collect();
    guard.parameters = guard.parameters.iter().map(|p| base.join(p)).collect();
    guard.rules.extend(rules.iter().cloned());
    guard.parameters.extend(parameters.iter().cloned());
    if !guard.rules.is_empty() {
        wanted.insert(BUILTIN.to_string(), guard);
    }
}

/// Puts the text of the guard policy's rules files and its parameters (read as
/// cfn-guard reads them) into `settings`; other policies' settings are left alone.
pub fn add_settings(
    name: &str,
    policy: &PolicyConfig,
    settings: &mut Value,
) -> Result<(), InputError> {
    if name != BUILTIN {
        return Ok(());
    }
    settings["rules"] = Value::Array(read_rules(&policy.rules)?);
    let mut parameters = Vec::new();
    for path in parameter_files(&policy.parameters) {
        let template = Template::load(&path, &Default::default())
            .map_err(|source| InputError::Parameters { path, source })?;
        parameters.push(super::view::value(template));
    }
    settings["parameters"] = Value::Array(parameters);
    Ok(())
}

/// The files under `dir` (ignore files not honoured) that `keep` accepts, sorted.
fn files_under(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.is_file() && keep(p))
        .collect();
    found.sort();
    found
}

/// Parameter files: each file named, each directory walked for the files
/// `cfn-guard validate --input-parameters` reads from one (`.yaml`, `.yml`, `.json`,
/// `.jsn`, `.template`), sorted.
fn parameter_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(files_under(path, |p| {
                [".yaml", ".yml", ".json", ".jsn", ".template"]
                    .iter()
                    .any(|ext| p.to_string_lossy().ends_with(ext))
            }));
        } else {
            files.push(path.clone());
        }
    }
    files
}

/// Rules files: each file named, each directory walked for `*.guard` / `*.ruleset`
/// files, as `{name, path, text}` settings entries.
pub fn read_rules(paths: &[PathBuf]) -> Result<Vec<Value>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found = files_under(path, |p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("guard" | "ruleset")
                )
            });
            files.extend(found.into_iter().map(|f| (rule_name(path, &f), f)));
        } else {
            files.push((
                rule_name(path.parent().unwrap_or(Path::new("")), path),
                path.clone(),
            ));
        }
    }
    files
        .into_iter()
        .map(|(name, path)| {
            let text =
                preflight_template::fs::read_to_string(&path, preflight_template::fs::INPUT_LIMIT)
                    .map_err(|source| InputError::Rules {
                        path: path.clone(),
                        source,
                    })?;
            Ok(json!({"name": name, "path": path.display().to_string(), "text": text}))
        })
        .collect()
}

/// A rules file's name in findings: its path under the directory given, without the
/// extension (`s3/bucket_versioning`).
fn rule_name(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let stem = relative.with_extension("");
    stem.to_string_lossy().replace('\\', "/")
}
