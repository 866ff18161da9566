//! Which policies run, from what component, with what settings and enforcement.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preflight_policy::Severity;
use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::{Config, Enforcement, PolicyConfig, default_enforcement};
use crate::engine::{LoadedPolicy, PolicyHost};

/// A policy component compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinComponent {
    /// Name in configuration.
    pub name: &'static str,
    /// The component.
    pub wasm: &'static [u8],
    /// Its precompiled artifact, when the build made one.
    pub precompiled: Option<&'static [u8]>,
}

/// Built-ins that run without being configured.
const ON_BY_DEFAULT: &[&str] = &["template", "security"];

/// Errors that stop a run before any template is checked (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum PolicySetError {
    /// A configured policy names neither a built-in nor a component file.
    #[error("[policies.{0}] is not a built-in policy ({1}) and has no `path`")]
    Unknown(String, String),
    /// A component file could not be read.
    #[error("[policies.{name}] cannot read {path}: {source}")]
    Read {
        /// Policy name.
        name: String,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A component's hash does not match its pin.
    #[error("[policies.{name}] {path} has sha256 {actual}, but the configuration pins {expected}")]
    HashMismatch {
        /// Policy name.
        name: String,
        /// The file.
        path: PathBuf,
        /// The pin.
        expected: String,
        /// What the file hashes to.
        actual: String,
    },
    /// A Guard rules or parameters path could not be read.
    #[error("cannot read Guard {what} {path}: {message}")]
    GuardInput {
        /// `rules` or `parameters`.
        what: &'static str,
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The engine could not start.
    #[error("cannot start the policy engine: {0}")]
    Engine(String),
}

/// A policy ready to evaluate (or known to be broken, which blocks like a trap).
pub struct ActivePolicy {
    /// Name in configuration.
    pub name: String,
    /// The loaded component, or why it could not be loaded.
    pub loaded: Result<LoadedPolicy, String>,
    /// Settings as JSON text.
    pub settings: String,
    /// Enforcement.
    pub enforcement: Enforcement,
    /// Findings below this severity never block.
    pub blocking_severity: Severity,
    /// Rule-level overrides and disabled rules.
    pub config: PolicyConfig,
}

impl ActivePolicy {
    /// The policy's id as it reports it (its configured name when it could not load).
    pub fn id(&self) -> &str {
        match &self.loaded {
            Ok(p) => &p.meta().id,
            Err(_) => &self.name,
        }
    }

    /// Whether this is the built-in `guard` policy, which evaluates the template as
    /// cfn-guard reads it ([`crate::guard_view`]) rather than the canonical JSON.
    pub fn reads_guard_view(&self) -> bool {
        self.name == "guard" && self.config.path.is_none()
    }

    /// Enforcement of one rule, after overrides.
    pub fn rule_enforcement(&self, rule: &str) -> Enforcement {
        self.config
            .rule
            .get(rule)
            .and_then(|o| o.enforcement)
            .unwrap_or(self.enforcement)
    }

    /// Severity of a finding of `rule`, after overrides.
    pub fn rule_severity(&self, rule: &str, reported: Severity) -> Severity {
        self.config
            .rule
            .get(rule)
            .and_then(|o| o.severity)
            .unwrap_or(reported)
    }
}

/// Extra policy inputs from the command line.
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// `--rules FILE|DIR` for the guard policy.
    pub guard_rules: Vec<PathBuf>,
    /// `--input-parameters FILE` for the guard policy.
    pub guard_parameters: Vec<PathBuf>,
    /// `--policy NAME`: run only these policies.
    pub only: Vec<String>,
}

/// Resolves configuration and options into the policies to run, loading them in
/// parallel. Built-ins not in `builtins` (not compiled in) are skipped.
pub fn resolve(
    host: &PolicyHost,
    config: &Config,
    builtins: &[BuiltinComponent],
    options: &PolicyOptions,
) -> Result<Vec<ActivePolicy>, PolicySetError> {
    let base = config.base_dir();
    let mut wanted: BTreeMap<String, PolicyConfig> = BTreeMap::new();
    for name in ON_BY_DEFAULT {
        if builtins.iter().any(|b| b.name == *name) {
            wanted.insert(name.to_string(), PolicyConfig::default());
        }
    }
    for (name, policy) in &config.policies {
        wanted.insert(name.clone(), policy.clone());
    }
    let mut guard = wanted.remove("guard").unwrap_or_default();
    guard.rules = guard.rules.iter().map(|p| base.join(p)).collect();
    guard.parameters = guard.parameters.iter().map(|p| base.join(p)).collect();
    guard.rules.extend(options.guard_rules.iter().cloned());
    guard
        .parameters
        .extend(options.guard_parameters.iter().cloned());
    if !guard.rules.is_empty() {
        wanted.insert("guard".to_string(), guard);
    }
    wanted.retain(|name, p| {
        p.enabled != Some(false) && (options.only.is_empty() || options.only.contains(name))
    });

    // Read and verify everything first: configuration mistakes stop the run (exit 2).
    let mut jobs = Vec::new();
    for (name, policy) in wanted {
        let (wasm, precompiled): (Vec<u8>, Option<&'static [u8]>) = match &policy.path {
            Some(path) => {
                let path = base.join(path);
                let bytes = std::fs::read(&path).map_err(|source| PolicySetError::Read {
                    name: name.clone(),
                    path: path.clone(),
                    source,
                })?;
                let actual = hex::encode(Sha256::digest(&bytes));
                let expected = policy
                    .sha256
                    .clone()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if actual != expected {
                    return Err(PolicySetError::HashMismatch {
                        name,
                        path,
                        expected,
                        actual,
                    });
                }
                (bytes, None)
            }
            None => match builtins.iter().find(|b| b.name == name) {
                Some(b) => (b.wasm.to_vec(), b.precompiled),
                None => {
                    let known: Vec<&str> = builtins.iter().map(|b| b.name).collect();
                    return Err(PolicySetError::Unknown(name, known.join(", ")));
                }
            },
        };
        let settings = settings_json(&name, &policy)?;
        jobs.push((name, policy, wasm, precompiled, settings));
    }

    let limits = config.sandbox_limits();
    let loaded: Vec<ActivePolicy> = jobs
        .into_par_iter()
        .map(|(name, policy, wasm, precompiled, settings)| {
            let label = match &policy.path {
                Some(p) => p.display().to_string(),
                None => name.clone(),
            };
            let loaded = host
                .load(&label, &wasm, precompiled, limits)
                .map_err(|e| e.to_string());
            ActivePolicy {
                enforcement: policy
                    .enforcement
                    .unwrap_or_else(|| default_enforcement(&name)),
                blocking_severity: policy.blocking_severity.unwrap_or(Severity::Medium),
                name,
                loaded,
                settings,
                config: policy,
            }
        })
        .collect();
    Ok(loaded)
}

/// The settings JSON for a policy: its `settings` table, plus `disable`, plus for
/// `guard` the text of its rule and parameter files.
fn settings_json(name: &str, policy: &PolicyConfig) -> Result<String, PolicySetError> {
    let mut settings = match &policy.settings {
        Some(table) => serde_json::to_value(table).unwrap_or_else(|_| json!({})),
        None => json!({}),
    };
    if !policy.disable.is_empty() {
        settings["disable"] = json!(policy.disable);
    }
    if name == "guard" {
        settings["rules"] = Value::Array(read_guard_rules(&policy.rules)?);
        let mut parameters = Vec::new();
        for path in guard_parameter_files(&policy.parameters) {
            let template =
                preflight_template::Template::load(&path, &Default::default()).map_err(|e| {
                    PolicySetError::GuardInput {
                        what: "parameters",
                        path: path.clone(),
                        message: e.to_string(),
                    }
                })?;
            parameters.push(crate::guard_view::value(template));
        }
        settings["parameters"] = Value::Array(parameters);
    }
    Ok(settings.to_string())
}

/// The files under `dir` (ignore files not honoured) that `keep` accepts, sorted so runs
/// are reproducible.
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

/// Guard parameter files: each file named, each directory walked for the files
/// `cfn-guard validate --input-parameters` reads from one (`.yaml`, `.yml`, `.json`,
/// `.jsn`, `.template`), sorted.
fn guard_parameter_files(paths: &[PathBuf]) -> Vec<PathBuf> {
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

/// Guard rule files: each file named, each directory walked for `*.guard` / `*.ruleset`
/// files (sorted, so runs are reproducible).
pub fn read_guard_rules(paths: &[PathBuf]) -> Result<Vec<Value>, PolicySetError> {
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
            let text = std::fs::read_to_string(&path).map_err(|e| PolicySetError::GuardInput {
                what: "rules",
                path: path.clone(),
                message: e.to_string(),
            })?;
            Ok(json!({"name": name, "path": path.display().to_string(), "text": text}))
        })
        .collect()
}

/// A rule file's name in findings: its path under the directory given, without the
/// extension (`s3/bucket_versioning`).
fn rule_name(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let stem = relative.with_extension("");
    stem.to_string_lossy().replace('\\', "/")
}
