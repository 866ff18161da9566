//! `preflight.toml`: what to check, how strictly, and how to deploy.
//!
//! Keys are kebab-case and unknown keys are errors that point at their line, as in
//! cargo-deny. Everything has a default, so a project without the file still gets the
//! built-in policies and `sam validate` when `sam` is on `PATH`.
//!
//! The runner re-exports this crate as `preflight::config`. It is a crate of its own,
//! without the sandbox's dependencies, so that the `config` fuzz target builds it alone
//! ([`fuzz`]).

#[doc(hidden)]
pub mod fuzz;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use preflight_policy::Severity;
use serde::{Deserialize, Serialize};

/// The file name looked up in the working directory.
pub const FILE_NAME: &str = "preflight.toml";

/// A configuration error, rendered with its location by the caller.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the schema. toml's message carries
    /// the line, column and a snippet.
    #[error("{}: {}", .path.display(), .source.to_string().trim_end())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// toml's error.
        #[source]
        source: toml::de::Error,
    },
    /// Settings that do not fit together, located at the key concerned.
    #[error("{}:{line}:{column}: {message} (line {line}, column {column})", .path.display())]
    At {
        /// The file.
        path: PathBuf,
        /// 1-based line of the key.
        line: usize,
        /// 1-based column of the key.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value is valid TOML but not a usable setting.
    #[error("{path}: {message}")]
    Value {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// How strictly a policy's findings are enforced.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Deserialize,
    Serialize,
    PartialOrd,
    Ord,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Enforcement {
    /// Reported, never blocks.
    Advisory,
    /// Blocks unless overridden with `--override RULE --reason TEXT`.
    SoftMandatory,
    /// Always blocks.
    HardMandatory,
}

impl Enforcement {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `[deploy]`: the gated deploy.
    #[serde(default)]
    pub deploy: DeployConfig,
    /// `[sam]`: `sam validate`.
    #[serde(default)]
    pub sam: SamConfig,
    /// `[sandbox]`: limits for every policy evaluation.
    #[serde(default)]
    pub sandbox: SandboxConfig,
    /// `[loader]`: limits on template files.
    #[serde(default)]
    pub loader: LoaderConfig,
    /// `[audit]`: which files `preflight audit` looks at.
    #[serde(default)]
    pub audit: AuditConfig,
    /// `[policies.<name>]`: built-in or custom policies and their enforcement.
    #[serde(default)]
    pub policies: BTreeMap<String, PolicyConfig>,
    /// `[suppressions]`: how template suppressions are honoured.
    #[serde(default)]
    pub suppressions: SuppressionConfig,
    /// Where this configuration was read from (none for defaults).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[deploy]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeployConfig {
    /// The deploy command: a string run by `sh -c`, or an argument list.
    pub command: Option<Command>,
    /// The stack name.
    pub stack: Option<String>,
    /// The template to check and deploy.
    pub template: Option<PathBuf>,
    /// When security changes need approval: `never`, `broadening` (default), `any-change`.
    pub require_approval: Option<ApprovalLevel>,
    /// Stop the deploy command after this long (e.g. `"30m"`).
    #[serde(default, deserialize_with = "de_duration")]
    pub timeout: Option<String>,
    /// The stack's AWS region (default: `[sam] region`, samconfig.toml's, else
    /// `AWS_REGION`/`AWS_DEFAULT_REGION`, else the profile's, else us-east-1).
    pub region: Option<String>,
    /// Ask CloudFormation about the stack before the command and verify it after
    /// (default true).
    pub verify: Option<bool>,
    /// `[deploy.env]`: environment for the deploy command and the verification after
    /// it (e.g. `AWS_ENDPOINT_URL` for a local endpoint); variables already set in
    /// preflight's own environment win.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// `[[deploy.smoke]]`: checks run after a verified deploy, in order; any that fails
    /// fails the deploy (exit 4) and keeps the previous baseline.
    #[serde(default)]
    pub smoke: Vec<SmokeCheck>,
}

/// One smoke check: exactly one of `command` (run in the project directory with the
/// stack's outputs as `PREFLIGHT_OUTPUT_<Key>`), `url` (GET, `${OutputKey}` replaced by
/// the output's value) or `output` (GET the URL the stack output holds, plus `path`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SmokeCheck {
    /// The name shown in the report (default: the command or the URL).
    pub name: Option<String>,
    /// A command: a string run by `sh -c`, or an argument list. Passes when it exits 0.
    pub command: Option<Command>,
    /// A URL to GET, e.g. `"${ApiUrl}health"`.
    pub url: Option<String>,
    /// A stack output whose value is the URL to GET.
    pub output: Option<String>,
    /// Appended to the output's URL (with `output` only), e.g. `"/health"`.
    pub path: Option<String>,
    /// The HTTP status the GET must answer (default 200).
    #[serde(default, deserialize_with = "de_http_status")]
    #[schemars(with = "Option<u16>", range(min = 100, max = 599))]
    pub expect_status: Option<u16>,
    /// Stop the check after this long (default 30s).
    #[serde(default, deserialize_with = "de_duration")]
    pub timeout: Option<String>,
}

/// A command line: a shell string or an argument vector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Command {
    /// Run with `sh -c`.
    Shell(String),
    /// Run directly.
    Args(Vec<String>),
}

/// When security changes need approval before a deploy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ApprovalLevel {
    /// Never ask.
    Never,
    /// Ask when a change broadens permissions or exposure.
    Broadening,
    /// Ask for any security-relevant change.
    AnyChange,
}

/// `[sam]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SamConfig {
    /// `auto` (run when `sam` is on PATH), `required`, or `off`.
    pub mode: Option<SamMode>,
    /// Region passed to `sam validate` when the environment sets none (default `us-east-1`).
    pub region: Option<String>,
    /// Also run cfn-lint through `sam validate --lint`.
    pub lint: Option<bool>,
    /// Seconds before `sam validate` is stopped (default 120, at most a day).
    #[serde(default, deserialize_with = "de_sam_timeout")]
    #[schemars(with = "Option<u64>", range(min = 1, max = 86_400))]
    pub timeout_seconds: Option<u64>,
}

/// Whether `sam validate` runs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SamMode {
    /// Run when `sam` is on `PATH`.
    Auto,
    /// Run, and fail (exit 2) when `sam` is missing.
    Required,
    /// Do not run.
    Off,
}

/// `[sandbox]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SandboxConfig {
    /// Time limit per evaluation in milliseconds (default 2000, at most 600000).
    #[serde(default, deserialize_with = "de_timeout_ms")]
    #[schemars(with = "Option<u64>", range(min = 1, max = 600_000))]
    pub timeout_ms: Option<u64>,
    /// Memory limit per policy instance in MiB (default 256, at most 4096: a
    /// 32-bit WebAssembly memory cannot grow further).
    #[serde(default, deserialize_with = "de_memory_mib")]
    #[schemars(with = "Option<u64>", range(min = 1, max = 4096))]
    pub memory_mib: Option<usize>,
    /// Where compiled policies are cached (default `~/.cache/preflight`).
    pub cache_dir: Option<PathBuf>,
    /// Keep compiled policies on disk (default true); `false` compiles them in every
    /// run.
    pub cache: Option<bool>,
}

/// `[loader]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LoaderConfig {
    /// Largest template accepted, in bytes (default 5 MiB).
    pub max_bytes: Option<u64>,
    /// Deepest nesting accepted (default 128).
    pub max_depth: Option<usize>,
    /// Most nodes YAML aliases may add (default 10000).
    pub max_alias_nodes: Option<usize>,
}

/// `[audit]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuditConfig {
    /// Glob patterns of paths to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A findings baseline (`preflight audit --write-baseline FILE`), relative to this
    /// file: only findings it does not list are reported and block.
    pub findings_baseline: Option<PathBuf>,
}

/// `[suppressions]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SuppressionConfig {
    /// Rule ids that no template suppression may silence.
    #[serde(default)]
    pub non_suppressible: Vec<String>,
    /// Honour cfn_nag `rules_to_suppress` and checkov `skip` metadata (default true).
    pub honour_peer_metadata: Option<bool>,
}

/// `[policies.<name>]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyConfig {
    /// Set false to turn the policy off.
    pub enabled: Option<bool>,
    /// A custom policy component (`.wasm`), relative to the configuration file.
    pub path: Option<PathBuf>,
    /// The component's expected SHA-256 (hex); required for `path` policies.
    #[serde(default, deserialize_with = "sha256_hex")]
    #[schemars(with = "Option<String>", regex(pattern = r"^[0-9a-fA-F]{64}$"))]
    pub sha256: Option<String>,
    /// Guard rule files or directories (for the `guard` policy).
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Guard input-parameter files (for the `guard` policy).
    #[serde(default)]
    pub parameters: Vec<PathBuf>,
    /// Rego files or directories (for the `rego` policy).
    #[serde(default)]
    pub files: Vec<PathBuf>,
    /// Enforcement level (default: the built-in's own, hard-mandatory for custom
    /// policies).
    pub enforcement: Option<Enforcement>,
    /// Findings below this severity never block (default `medium`).
    #[schemars(with = "Option<SeverityName>")]
    pub blocking_severity: Option<Severity>,
    /// Rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Per-rule overrides.
    #[serde(default)]
    pub rule: BTreeMap<String, RuleOverride>,
    /// Settings passed to the policy as JSON.
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub settings: Option<toml::Table>,
}

/// A severity as the configuration spells it: the schema's view of
/// [`preflight_policy::Severity`], which lives in the SDK (built for wasm too, so it
/// carries no schema derive).
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum SeverityName {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// `[policies.<name>.rule.<ID>]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleOverride {
    /// Severity to report instead of the rule's.
    #[schemars(with = "Option<SeverityName>")]
    pub severity: Option<Severity>,
    /// Enforcement for this rule only.
    pub enforcement: Option<Enforcement>,
}

impl Config {
    /// The JSON Schema of `preflight.toml` (`preflight config schema`), derived from
    /// these types, so it names keys exactly as serde reads them.
    pub fn json_schema() -> serde_json::Value {
        let mut schema = schemars::schema_for!(Config);
        schema.insert("title".into(), "preflight.toml".into());
        schema.to_value()
    }

    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text =
            preflight_template::fs::read_to_string(path, preflight_template::fs::INPUT_LIMIT)
                .map_err(|source| ConfigError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
        let mut config = Config::parse(&text, path)?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses configuration text; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|source| ConfigError::Invalid {
            path: path.to_path_buf(),
            source,
        })?;
        config.validate(path, text)?;
        Ok(config)
    }

    /// `--config FILE`, else `preflight.toml` in `dir` when present, else defaults.
    pub fn discover(explicit: Option<&Path>, dir: &Path) -> Result<Config, ConfigError> {
        if let Some(path) = explicit {
            return Config::load(path);
        }
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            Config::load(&candidate)
        } else {
            Ok(Config::default())
        }
    }

    /// The directory relative paths in the configuration are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        self.source
            .as_ref()
            .and_then(|p| p.parent())
            .map(|p| {
                if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p.to_path_buf()
                }
            })
            .unwrap_or_else(|| PathBuf::from("."))
    }

    fn validate(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        // Single values (durations, limits, hashes) are checked as they are read, so
        // toml's error locates them; what is left are settings that must go together.
        for (name, policy) in &self.policies {
            if let (Some(wasm), None) = (&policy.path, &policy.sha256) {
                let (line, column) = key_position(text, &["policies", name, "path"]);
                return Err(ConfigError::At {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!(
                        "[policies.{name}]: `path = {}` needs `sha256 = \"...\"` to pin the component",
                        wasm.display()
                    ),
                });
            }
        }
        for (index, check) in self.deploy.smoke.iter().enumerate() {
            if let Err((key, message)) = check.validate() {
                let (line, column) = smoke_position(text, index, key);
                return Err(ConfigError::At {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!("[[deploy.smoke]] #{}: {message}", index + 1),
                });
            }
        }
        Ok(())
    }

    /// The policy's configuration, or the default one.
    pub fn policy(&self, name: &str) -> PolicyConfig {
        self.policies.get(name).cloned().unwrap_or_default()
    }

    /// The loader limits this configuration asks for.
    pub fn loader_limits(&self) -> preflight_template::Limits {
        let mut limits = preflight_template::Limits::default();
        if let Some(v) = self.loader.max_bytes {
            limits.max_bytes = v;
        }
        if let Some(v) = self.loader.max_depth {
            limits.max_depth = v;
        }
        if let Some(v) = self.loader.max_alias_nodes {
            limits.max_alias_nodes = v;
        }
        limits
    }
}

impl SmokeCheck {
    /// Settings that must go together; the error names the key to point at (none:
    /// the check's table).
    fn validate(&self) -> Result<(), (Option<&'static str>, String)> {
        let kinds = [
            self.command.is_some(),
            self.url.is_some(),
            self.output.is_some(),
        ];
        match kinds.iter().filter(|k| **k).count() {
            1 => {}
            0 => {
                return Err((
                    None,
                    "give one of `command`, `url` or `output` (the stack output holding a URL)"
                        .into(),
                ));
            }
            _ => {
                let second = if self.command.is_some() && self.url.is_some() {
                    "url"
                } else {
                    "output"
                };
                return Err((
                    Some(second),
                    "`command`, `url` and `output` exclude each other: one kind of check per entry"
                        .into(),
                ));
            }
        }
        if self.path.is_some() && self.output.is_none() {
            return Err((
                Some("path"),
                "`path` goes with `output` (write the whole address in `url`)".into(),
            ));
        }
        if self.expect_status.is_some() && self.command.is_some() {
            return Err((
                Some("expect-status"),
                "`expect-status` is for `url` or `output` checks; a command passes when it exits 0"
                    .into(),
            ));
        }
        match &self.command {
            Some(Command::Shell(s)) if s.trim().is_empty() => {
                return Err((Some("command"), "the command is empty".into()));
            }
            Some(Command::Args(a)) if a.first().is_none_or(|p| p.is_empty()) => {
                return Err((
                    Some("command"),
                    "the argument list needs a program first".into(),
                ));
            }
            _ => {}
        }
        if let Some(output) = &self.output
            && !is_output_key(output)
        {
            return Err((
                Some("output"),
                format!("`{output}` is not a stack output name (letters and digits)"),
            ));
        }
        if let Some(url) = &self.url {
            let refs = url_references(url).map_err(|m| (Some("url"), m))?;
            if refs.is_empty() && !url.starts_with("http://") && !url.starts_with("https://") {
                return Err((
                    Some("url"),
                    format!("`{url}` is not an http:// or https:// URL"),
                ));
            }
        }
        Ok(())
    }
}

/// Whether `key` can name a stack output (CloudFormation's logical ids are
/// alphanumeric).
pub fn is_output_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The stack outputs `${Key}` in `url` names, in order; an unclosed `${` or a name
/// that is no output name is an error.
pub fn url_references(url: &str) -> Result<Vec<&str>, String> {
    let mut refs = Vec::new();
    let mut rest = url;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("`${{` without a closing `}}` in `{url}`"))?;
        let key = &after[..end];
        if !is_output_key(key) {
            return Err(format!(
                "`${{{key}}}` in `{url}` is not a stack output name (letters and digits)"
            ));
        }
        refs.push(key);
        rest = &after[end + 1..];
    }
    Ok(refs)
}

/// Where the `index`-th `[[deploy.smoke]]` entry (or its `key`) starts in `text`.
fn smoke_position(text: &str, index: usize, key: Option<&str>) -> (usize, usize) {
    let offset = toml::de::DeTable::parse(text).ok().and_then(|root| {
        let (_, deploy) = root
            .into_inner()
            .into_iter()
            .find(|(k, _)| k.get_ref() == "deploy")?;
        let toml::de::DeValue::Table(deploy) = deploy.into_inner() else {
            return None;
        };
        let (_, smoke) = deploy.into_iter().find(|(k, _)| k.get_ref() == "smoke")?;
        let toml::de::DeValue::Array(entries) = smoke.into_inner() else {
            return None;
        };
        let entry = entries.into_iter().nth(index)?;
        let entry_start = entry.span().start;
        let toml::de::DeValue::Table(table) = entry.into_inner() else {
            return Some(entry_start);
        };
        let found = key.and_then(|key| {
            table
                .into_iter()
                .find(|(k, _)| k.get_ref() == key)
                .map(|(k, _)| k.span().start)
        });
        Some(found.unwrap_or(entry_start))
    });
    line_column(text, offset.unwrap_or(0))
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The most `[sandbox] timeout-ms` may be.
pub const MAX_POLICY_TIMEOUT_MS: u64 = 600_000;
/// The most `[sandbox] memory-mib` may be.
pub const MAX_POLICY_MEMORY_MIB: usize = 4096;
/// The most `[sam] timeout-seconds` may be.
pub const MAX_SAM_TIMEOUT_SECONDS: u64 = 86_400;
/// The shortest duration accepted: anything shorter is a typo for something longer.
pub const MIN_DURATION: Duration = Duration::from_millis(1);
/// The longest duration accepted (30 days).
pub const MAX_DURATION: Duration = Duration::from_secs(30 * 86_400);

// Bounds checked while deserializing, so toml's error points at the value.
fn bounded<'de, D, T>(d: D, min: T, max: T, unit: &str) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + PartialOrd + std::fmt::Display,
{
    let value = T::deserialize(d)?;
    if value < min || value > max {
        return Err(serde::de::Error::custom(format!(
            "{value} is out of range: {min} to {max} {unit}"
        )));
    }
    Ok(Some(value))
}

fn de_timeout_ms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    bounded(d, 1, MAX_POLICY_TIMEOUT_MS, "milliseconds")
}

fn de_memory_mib<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    bounded(d, 1, MAX_POLICY_MEMORY_MIB, "MiB")
}

fn de_sam_timeout<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    bounded(d, 1, MAX_SAM_TIMEOUT_SECONDS, "seconds")
}

fn de_http_status<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    bounded(d, 100, 599, "(an HTTP status)")
}

fn de_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    parse_duration(&text).map_err(serde::de::Error::custom)?;
    Ok(Some(text))
}

/// Where the key at `keys` (table names, then the key) starts in `text`, 1-based; the
/// top of the file when it cannot be found (a key written as a dotted key or inline
/// table is found the same way).
fn key_position(text: &str, keys: &[&str]) -> (usize, usize) {
    let offset = toml::de::DeTable::parse(text).ok().and_then(|root| {
        let mut table = root.into_inner();
        let mut found = None;
        for (i, key) in keys.iter().enumerate() {
            let (k, v) = table.into_iter().find(|(k, _)| k.get_ref() == key)?;
            if i + 1 == keys.len() {
                found = Some(k.span().start);
                break;
            }
            match v.into_inner() {
                toml::de::DeValue::Table(t) => table = t,
                _ => return None,
            }
        }
        found
    });
    line_column(text, offset.unwrap_or(0))
}

/// A SHA-256 written as 64 hexadecimal digits.
fn sha256_hex<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let hash = Option::<String>::deserialize(d)?;
    if let Some(h) = &hash
        && (h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(serde::de::Error::custom(
            "`sha256` must be 64 hexadecimal digits",
        ));
    }
    Ok(hash)
}

/// Why a duration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DurationError {
    /// Not a duration jiff reads.
    #[error("`{text}` is not a duration such as `90s`, `30m` or `2h`")]
    Syntax {
        /// The text given.
        text: String,
        /// jiff's reason.
        #[source]
        source: jiff::Error,
    },
    /// Zero, negative, or too large.
    #[error("`{0}` must be positive")]
    NotPositive(String),
    /// Shorter than [`MIN_DURATION`] or longer than [`MAX_DURATION`].
    #[error("`{0}` is out of range: 1ms to 30 days")]
    OutOfRange(String),
}

/// Parses durations like `90s`, `30m`, `2h`, `1500ms` or `1h 30m` (jiff's friendly
/// format, or ISO 8601); a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    let not_positive = || DurationError::NotPositive(text.to_string());
    let out_of_range = || DurationError::OutOfRange(text.to_string());
    let duration = match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Duration::try_from_secs_f64(seconds).map_err(|_| out_of_range())?
        }
        Ok(_) => return Err(not_positive()),
        Err(_) => {
            let signed: jiff::SignedDuration = text.parse().map_err(|source| {
                // jiff says when a number is too big for a duration.
                let message = format!("{source}");
                if message.contains("overflow") || message.contains("too big") {
                    out_of_range()
                } else {
                    DurationError::Syntax {
                        text: text.to_string(),
                        source,
                    }
                }
            })?;
            if signed.is_negative() || signed.is_zero() {
                return Err(not_positive());
            }
            Duration::try_from(signed).map_err(|_| out_of_range())?
        }
    };
    if duration.is_zero() {
        return Err(not_positive());
    }
    if !(MIN_DURATION..=MAX_DURATION).contains(&duration) {
        return Err(out_of_range());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_point_at_their_line() {
        let err = Config::parse(
            "[sam]\nmode = \"auto\"\nregoin = \"x\"\n",
            Path::new("preflight.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("regoin"), "{err}");
    }

    #[test]
    fn path_policies_must_be_pinned() {
        let err = Config::parse(
            "[policies.acme]\npath = \"acme.wasm\"\n",
            Path::new("p.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("sha256"), "{err}");
    }

    #[test]
    fn parses_a_full_file() {
        let text = r#"
[deploy]
command = "make play"
stack = "demo"
require-approval = "any-change"
timeout = "30m"

[sam]
mode = "off"

[policies.template]
enforcement = "advisory"
blocking-severity = "high"
disable = ["TPL004"]
rule.TPL001 = { severity = "critical" }
"#;
        let config = Config::parse(text, Path::new("p.toml")).unwrap();
        assert_eq!(
            config.deploy.command,
            Some(Command::Shell("make play".into()))
        );
        assert_eq!(config.sam.mode, Some(SamMode::Off));
        let t = config.policy("template");
        assert_eq!(t.enforcement, Some(Enforcement::Advisory));
        assert_eq!(t.rule["TPL001"].severity, Some(Severity::Critical));
    }

    #[test]
    fn smoke_checks_parse() {
        let text = r#"
[deploy]
stack = "demo"

[[deploy.smoke]]
name = "health"
output = "ApiUrl"
path = "/health"
expect-status = 204
timeout = "5s"

[[deploy.smoke]]
command = ["./check.sh", "--quick"]

[[deploy.smoke]]
url = "${ApiUrl}items"
"#;
        let config = Config::parse(text, Path::new("p.toml")).unwrap();
        let smoke = &config.deploy.smoke;
        assert_eq!(smoke.len(), 3);
        assert_eq!(smoke[0].expect_status, Some(204));
        assert_eq!(
            smoke[1].command,
            Some(Command::Args(vec!["./check.sh".into(), "--quick".into()]))
        );
        assert_eq!(url_references("${ApiUrl}items").unwrap(), ["ApiUrl"]);
        let schema = Config::json_schema().to_string();
        assert!(schema.contains("expect-status"), "{schema}");
    }

    #[test]
    fn bad_smoke_checks_are_refused_at_their_line() {
        for (text, line, expected) in [
            (
                "[deploy]\n[[deploy.smoke]]\nname = \"x\"\n",
                "line 2",
                "give one of `command`, `url` or `output`",
            ),
            (
                "[[deploy.smoke]]\ncommand = \"true\"\n\n[[deploy.smoke]]\ncommand = \"true\"\nurl = \"http://x\"\n",
                "line 6",
                "#2: `command`, `url` and `output` exclude each other",
            ),
            (
                "[[deploy.smoke]]\nurl = \"http://x\"\npath = \"/a\"\n",
                "line 3",
                "`path` goes with `output`",
            ),
            (
                "[[deploy.smoke]]\ncommand = \"true\"\nexpect-status = 200\n",
                "line 3",
                "`expect-status` is for `url` or `output` checks",
            ),
            (
                "[[deploy.smoke]]\ncommand = []\n",
                "line 2",
                "needs a program",
            ),
            (
                "[[deploy.smoke]]\nurl = \"${ApiUrl\"\n",
                "line 2",
                "without a closing",
            ),
            (
                "[[deploy.smoke]]\nurl = \"ftp://x\"\n",
                "line 2",
                "not an http:// or https:// URL",
            ),
            (
                "[[deploy.smoke]]\noutput = \"Api-Url\"\n",
                "line 2",
                "not a stack output name",
            ),
            // Checked while read: toml's own error, at the value.
            (
                "[[deploy.smoke]]\nurl = \"http://x\"\nexpect-status = 99\n",
                "line 3",
                "out of range",
            ),
            (
                "[[deploy.smoke]]\nurl = \"http://x\"\ntimeout = \"soon\"\n",
                "line 3",
                "not a duration",
            ),
            (
                "[[deploy.smoke]]\nurl = \"http://x\"\nexpect = 200\n",
                "line 3",
                "unknown field `expect`",
            ),
        ] {
            let err = Config::parse(text, Path::new("p.toml"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(line) && err.contains(expected),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(
            parse_duration("1500ms").unwrap(),
            Duration::from_millis(1500)
        );
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn durations_out_of_range_are_errors_not_panics() {
        for text in [
            "99999999999999999999s",
            "9999999999999999h",
            "1e300",
            "0.0001ms",
            "0.0000001",
            "31d",
            "-5s",
        ] {
            let err = parse_duration(text).unwrap_err().to_string();
            assert!(
                err.contains("out of range")
                    || err.contains("must be positive")
                    || err.contains("not a duration"),
                "{text}: {err}"
            );
        }
        assert!(
            parse_duration("0.0001ms")
                .unwrap_err()
                .to_string()
                .contains("out of range")
        );
        let err = Config::parse(
            "[deploy]\ntimeout = \"9999999999999999h\"\n",
            Path::new("p.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("line 2") && err.contains("out of range"),
            "{err}"
        );
    }

    #[test]
    fn sandbox_limits_are_bounded_at_their_line() {
        for (text, line) in [
            ("[sandbox]\nmemory-mib = 10000000\n", "line 2"),
            ("[sandbox]\n\ntimeout-ms = 18446744073709551615\n", "line 3"),
            ("[sandbox]\ntimeout-ms = 0\n", "line 2"),
            ("[sam]\ntimeout-seconds = 18446744073709551615\n", "line 2"),
        ] {
            let err = Config::parse(text, Path::new("p.toml"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(line) && err.contains("out of range"),
                "{text}: {err}"
            );
        }
        let config = Config::parse(
            "[sandbox]\nmemory-mib = 4096\ntimeout-ms = 600000\ncache = false\n",
            Path::new("p.toml"),
        )
        .unwrap();
        assert_eq!(config.sandbox.cache, Some(false));
    }
}
