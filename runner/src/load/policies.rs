//! Which policies run, from what component, with what settings and enforcement: the
//! built-ins that run by default, those configured in `[policies.<name>]` and on the
//! command line, each read, verified against its pin, compiled (or deserialized) and
//! asked for its metadata in the sandbox.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use preflight_policy::Severity;
use rayon::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::{Config, PolicyConfig};
use crate::finding::Enforcement;
use crate::guard::{self, Guard};
use crate::rego;
use crate::sandbox::{LoadError, LoadedPolicy, PolicyHost};

/// A policy component compiled into the binary, with what the built-in registry says
/// about it (`runner/builtins`).
#[derive(Debug, Clone, Copy)]
pub struct BuiltinComponent {
    /// Name in configuration.
    pub name: &'static str,
    /// The component.
    pub wasm: &'static [u8],
    /// Its precompiled artifact, when the build made one.
    pub precompiled: Option<&'static [u8]>,
    /// Whether it runs without being configured.
    pub on_by_default: bool,
    /// Its enforcement when the configuration names none.
    pub enforcement: Enforcement,
}

impl BuiltinComponent {
    /// The built-ins embedded by `preflight-builtins`.
    pub fn embedded() -> Vec<BuiltinComponent> {
        preflight_builtins::ALL
            .iter()
            .map(|b| BuiltinComponent {
                name: b.name,
                wasm: b.wasm,
                precompiled: b.precompiled,
                on_by_default: b.on_by_default,
                // The registry's values are checked by a test below.
                enforcement: b.enforcement.parse().unwrap_or(Enforcement::HardMandatory),
            })
            .collect()
    }
}

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
    #[error(transparent)]
    GuardInput(#[from] guard::inputs::InputError),
    /// A Rego file could not be read.
    #[error(transparent)]
    RegoInput(#[from] rego::InputError),
    /// A `path` policy's file is not a policy component (not WebAssembly, a core
    /// module, another world): a configuration mistake, not a policy failing.
    #[error("[policies.{name}] {path} is not a preflight policy component: {reason}")]
    NotAComponent {
        /// Policy name.
        name: String,
        /// The file.
        path: PathBuf,
        /// wasmtime's first line, shortened.
        reason: String,
        /// Why it was refused.
        #[source]
        source: LoadError,
    },
    /// A component configured under a built-in's name would silently replace it.
    #[error(
        "[policies.{name}] sets `path`, but `{name}` is a built-in policy: give your component its own name (e.g. [policies.my-{name}]) so it runs beside the built-in instead of silently replacing it{}",
        .config.as_ref().map(|c| format!(" (in {})", c.display())).unwrap_or_default()
    )]
    ShadowsBuiltin {
        /// The built-in's name.
        name: String,
        /// The configuration file.
        config: Option<PathBuf>,
    },
    /// `--policy NAME` names no built-in and no configured policy.
    #[error("--policy {name}: no such policy (known: {known}){hint}")]
    UnknownOnly {
        /// The name given.
        name: String,
        /// The built-in and configured names.
        known: String,
        /// ` did you mean `X`?` when one is close.
        hint: String,
    },
    /// `--policy NAME` names a policy that does not run with this configuration.
    #[error(
        "--policy {0}: the policy is known but does not run with this configuration (it is turned off, or needs input such as --rules or --rego)"
    )]
    NotRunning(String),
}

/// A policy ready to evaluate (or known to be broken, which blocks like a trap).
pub struct ActivePolicy {
    /// Name in configuration.
    pub name: String,
    /// The loaded component, or why it could not be loaded.
    pub loaded: Result<LoadedPolicy, LoadError>,
    /// Settings as JSON text.
    pub settings: String,
    /// Enforcement.
    pub enforcement: Enforcement,
    /// Findings below this severity never block.
    pub blocking_severity: Severity,
    /// Rule-level overrides and disabled rules.
    pub config: PolicyConfig,
    /// The host's side of the built-in guard policy, when this is it.
    pub guard: Option<Guard>,
}

impl ActivePolicy {
    /// The policy's id as it reports it (its configured name when it could not load).
    pub fn id(&self) -> &str {
        match &self.loaded {
            Ok(p) => &p.meta().id,
            Err(_) => &self.name,
        }
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
    /// `--rego FILE|DIR` for the rego policy.
    pub rego_files: Vec<PathBuf>,
    /// `--policy NAME`: run only these policies.
    pub only: Vec<String>,
    /// The region the stack deploys to, given to every policy as its `region` setting
    /// unless the policy's own settings name one.
    pub region: Option<String>,
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
    for builtin in builtins.iter().filter(|b| b.on_by_default) {
        wanted.insert(builtin.name.to_string(), PolicyConfig::default());
    }
    for (name, policy) in &config.policies {
        if policy.path.is_some() && builtins.iter().any(|b| b.name == name) {
            return Err(PolicySetError::ShadowsBuiltin {
                name: name.clone(),
                config: config.source.clone(),
            });
        }
        wanted.insert(name.clone(), policy.clone());
    }
    guard::inputs::configure(
        &mut wanted,
        &base,
        &options.guard_rules,
        &options.guard_parameters,
    );
    rego::configure(&mut wanted, &base, &options.rego_files);
    check_only(&options.only, &wanted, config, builtins)?;
    wanted.retain(|name, p| {
        p.enabled != Some(false) && (options.only.is_empty() || options.only.contains(name))
    });

    // Read and verify everything first: configuration mistakes stop the run (exit 2).
    let mut jobs = Vec::new();
    for (name, policy) in wanted {
        let builtin = builtins.iter().find(|b| b.name == name);
        let (wasm, sha256, precompiled): (
            Cow<'static, [u8]>,
            Option<String>,
            Option<&'static [u8]>,
        ) = match &policy.path {
            Some(path) => {
                let path = base.join(path);
                let bytes = preflight_template::fs::read(&path, super::COMPONENT_LIMIT).map_err(
                    |source| PolicySetError::Read {
                        name: name.clone(),
                        path: path.clone(),
                        source,
                    },
                )?;
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
                (Cow::Owned(bytes), Some(actual), None)
            }
            None => match builtin {
                Some(b) => (Cow::Borrowed(b.wasm), None, b.precompiled),
                None => {
                    let known: Vec<&str> = builtins.iter().map(|b| b.name).collect();
                    return Err(PolicySetError::Unknown(name, known.join(", ")));
                }
            },
        };
        let settings = settings_json(&name, &policy, options.region.as_deref())?;
        // The default goes by name: a component configured under a built-in's name
        // takes that built-in's default.
        let enforcement = policy.enforcement.unwrap_or(match builtin {
            Some(builtin) => builtin.enforcement,
            None => Enforcement::HardMandatory,
        });
        let path = policy.path.as_ref().map(|p| base.join(p));
        jobs.push((
            name,
            policy,
            wasm,
            sha256,
            precompiled,
            settings,
            enforcement,
            path,
        ));
    }

    let limits = crate::sandbox::SandboxLimits::configured(&config.sandbox);
    let loaded: Vec<(ActivePolicy, Option<PathBuf>)> = jobs
        .into_par_iter()
        .map(
            |(name, policy, wasm, sha256, precompiled, settings, enforcement, path)| {
                let label = match &policy.path {
                    Some(p) => p.display().to_string(),
                    None => name.clone(),
                };
                let loaded = host.load(&label, &wasm, sha256.as_deref(), precompiled, limits);
                let active = ActivePolicy {
                    enforcement,
                    blocking_severity: policy.blocking_severity.unwrap_or(Severity::Medium),
                    guard: Guard::for_policy(&name, &policy),
                    name,
                    loaded,
                    settings,
                    config: policy,
                };
                (active, path)
            },
        )
        .collect();
    loaded
        .into_iter()
        .map(|(active, path)| match (&active.loaded, path) {
            (Err(e @ (LoadError::Compile(..) | LoadError::Contract(..))), Some(path)) => {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or_default();
                Err(PolicySetError::NotAComponent {
                    name: active.name.clone(),
                    path,
                    reason: crate::text::truncate(first, 200),
                    source: e.clone(),
                })
            }
            _ => Ok(active),
        })
        .collect()
}

/// Every `--policy NAME` must name a policy that runs: a typo must not leave the run
/// with fewer policies (or none) and a pass.
fn check_only(
    only: &[String],
    wanted: &BTreeMap<String, PolicyConfig>,
    config: &Config,
    builtins: &[BuiltinComponent],
) -> Result<(), PolicySetError> {
    let mut known: Vec<&str> = builtins.iter().map(|b| b.name).collect();
    known.extend(config.policies.keys().map(String::as_str));
    known.sort_unstable();
    known.dedup();
    for name in only {
        if !known.contains(&name.as_str()) {
            let hint = known
                .iter()
                .map(|k| (strsim::jaro_winkler(k, name), *k))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            return Err(PolicySetError::UnknownOnly {
                name: name.clone(),
                known: known.join(", "),
                hint,
            });
        }
        if wanted.get(name).is_none_or(|p| p.enabled == Some(false)) {
            return Err(PolicySetError::NotRunning(name.clone()));
        }
    }
    Ok(())
}

/// The settings JSON for a policy: its `settings` table, plus `region`, plus `disable`,
/// plus what the guard policy reads from files.
fn settings_json(
    name: &str,
    policy: &PolicyConfig,
    region: Option<&str>,
) -> Result<String, PolicySetError> {
    let mut settings = match &policy.settings {
        Some(table) => serde_json::to_value(table).unwrap_or_else(|_| json!({})),
        None => json!({}),
    };
    if let Some(region) = region
        && settings.get("region").is_none()
    {
        settings["region"] = json!(region);
    }
    if !policy.disable.is_empty() {
        settings["disable"] = json!(policy.disable);
    }
    guard::inputs::add_settings(name, policy, &mut settings)?;
    rego::add_settings(name, policy, &mut settings)?;
    Ok(settings.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_registry_names_known_enforcements() {
        for builtin in preflight_builtins::ALL {
            assert!(
                builtin.enforcement.parse::<Enforcement>().is_ok(),
                "built-in `{}` has enforcement `{}`",
                builtin.name,
                builtin.enforcement
            );
        }
    }
}
