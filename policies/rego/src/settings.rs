//! The policy's settings, as the host sends them:
//!
//! ```json
//! {
//!   "files": [{"name": "s3", "text": "package main\n..."}],
//!   "namespaces": ["main"],
//!   "rego_version": "auto",
//!   "data": {"allowed_runtimes": ["python3.12"]},
//!   "default_severity": "medium",
//!   "warn_severity": "low",
//!   "severities": {"main/deny_public_bucket": "critical", "deny": "high", "main": "low"},
//!   "disable": ["main/warn"]
//! }
//! ```
//!
//! `files` is required (an empty list evaluates nothing); everything else is optional.
//! The host reads the `.rego` files named in configuration; the guest never sees a file
//! system. `namespaces` limits evaluation to those packages, as conftest's `--namespace`
//! does (default: every package, as `--all-namespaces`). `data` is the data document
//! (`data.*` beside the packages), as conftest's `--data` files give.

use std::collections::BTreeMap;

use preflight_policy::Severity;
use serde_json::Value;

/// The keys [`Settings::from_json`] accepts.
const KEYS: &[&str] = &[
    "files",
    "namespaces",
    "rego_version",
    "data",
    "default_severity",
    "warn_severity",
    "severities",
    "disable",
    // Given by the host to every policy (the deploy region); not used here.
    "region",
];

/// Which Rego dialect the files are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegoVersion {
    /// Each file as Rego v1 (OPA 1.0: `deny contains msg if {...}`), or as v0
    /// (`deny[msg] {...}`) when only that parses.
    Auto,
    /// Rego v1 only, as OPA 1.x and conftest read files by default.
    V1,
    /// Rego v0 only (`--rego-version v0`).
    V0,
}

/// One Rego file, read by the host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegoFile {
    /// The file's name (its path under the directory given, without `.rego`): messages
    /// about the file (parse errors, locations in it) use it.
    pub name: String,
    /// The Rego source text.
    pub text: String,
}

/// The parsed settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The files, loaded in this order (packages may span several files).
    pub files: Vec<RegoFile>,
    /// Only these packages (`main`, `aws.s3`) are evaluated; empty: all of them.
    pub namespaces: Vec<String>,
    /// The dialect.
    pub rego_version: RegoVersion,
    /// The data document (an object), if any.
    pub data: Option<Value>,
    /// Severity of `deny` and `violation` results no other setting matches (medium).
    pub default_severity: Severity,
    /// Severity of `warn` results no other setting matches (low: below the default
    /// blocking severity, so warnings are reported but do not block, as in conftest).
    pub warn_severity: Severity,
    /// Severity by rule id (`main/deny`), bare rule name (`deny`) or package (`main`).
    pub severities: BTreeMap<String, Severity>,
    /// Rule ids not to evaluate (their status is `skip`).
    pub disable: Vec<String>,
}

impl Settings {
    /// Reads the settings value. Errors name the offending key.
    pub fn from_json(value: &Value) -> Result<Settings, String> {
        let Some(map) = value.as_object() else {
            return Err("rego settings must be a JSON object".to_string());
        };
        if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!(
                "unknown rego setting `{unknown}` (expected one of: {})",
                KEYS.join(", ")
            ));
        }
        let files = match map.get("files") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| rego_file(i, item))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("rego setting `files` must be a list".to_string()),
        };
        let namespaces = strings(map.get("namespaces"), "namespaces")?;
        let disable = strings(map.get("disable"), "disable")?;
        let rego_version = match map.get("rego_version") {
            None | Some(Value::Null) => RegoVersion::Auto,
            Some(Value::String(s)) if s == "auto" => RegoVersion::Auto,
            Some(Value::String(s)) if s == "v1" => RegoVersion::V1,
            Some(Value::String(s)) if s == "v0" => RegoVersion::V0,
            Some(other) => {
                return Err(format!(
                    "rego setting `rego_version` must be \"auto\", \"v1\" or \"v0\" (got {other})"
                ));
            }
        };
        let data = match map.get("data") {
            None | Some(Value::Null) => None,
            Some(v @ Value::Object(_)) => Some(v.clone()),
            Some(_) => return Err("rego setting `data` must be an object".to_string()),
        };
        let default_severity = match map.get("default_severity") {
            None | Some(Value::Null) => Severity::Medium,
            Some(v) => severity(v, "default_severity")?,
        };
        let warn_severity = match map.get("warn_severity") {
            None | Some(Value::Null) => Severity::Low,
            Some(v) => severity(v, "warn_severity")?,
        };
        let severities = match map.get("severities") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(entries)) => entries
                .iter()
                .map(|(k, v)| Ok((k.clone(), severity(v, &format!("severities.{k}"))?)))
                .collect::<Result<_, String>>()?,
            Some(_) => return Err("rego setting `severities` must be an object".to_string()),
        };
        Ok(Settings {
            files,
            namespaces,
            rego_version,
            data,
            default_severity,
            warn_severity,
            severities,
            disable,
        })
    }

    /// The severity for results of rule `name` in package `package` (id `package/name`)
    /// that do not state their own: the most specific `severities` entry, else the
    /// default for the rule's kind.
    pub fn severity_for(&self, package: &str, name: &str, warning: bool) -> Severity {
        let id = format!("{package}/{name}");
        [id.as_str(), name, package]
            .iter()
            .find_map(|key| self.severities.get(*key).copied())
            .unwrap_or(if warning {
                self.warn_severity
            } else {
                self.default_severity
            })
    }

    /// Whether package `package` is evaluated.
    pub fn evaluates(&self, package: &str) -> bool {
        self.namespaces.is_empty() || self.namespaces.iter().any(|n| n == package)
    }
}

fn rego_file(index: usize, item: &Value) -> Result<RegoFile, String> {
    let field = |key: &str| {
        item.get(key).and_then(Value::as_str).ok_or_else(|| {
            format!(
                "rego setting `files[{index}]` needs a string `{key}` (an object with `name` and `text`)"
            )
        })
    };
    let name = field("name")?;
    if name.trim().is_empty() {
        return Err(format!("rego setting `files[{index}].name` is empty"));
    }
    Ok(RegoFile {
        name: name.to_string(),
        text: field("text")?.to_string(),
    })
}

fn strings(value: Option<&Value>, key: &str) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("rego setting `{key}` must be a list of strings"))
            })
            .collect(),
        Some(_) => Err(format!("rego setting `{key}` must be a list of strings")),
    }
}

/// Reads a severity name; `key` names the setting in the error.
pub fn severity(value: &Value, key: &str) -> Result<Severity, String> {
    serde_json::from_value::<Severity>(value.clone()).map_err(|_| {
        format!("`{key}` must be one of info, low, medium, high, critical (got {value})")
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_every_key() {
        let s = Settings::from_json(&json!({
            "files": [{"name": "s3", "text": "package main"}],
            "namespaces": ["main"],
            "rego_version": "v0",
            "data": {"x": 1},
            "default_severity": "high",
            "warn_severity": "info",
            "severities": {"main/deny_a": "critical", "deny_b": "low", "lib": "info"},
            "disable": ["main/warn"],
        }))
        .unwrap();
        assert_eq!(s.files[0].name, "s3");
        assert_eq!(s.rego_version, RegoVersion::V0);
        assert_eq!(s.data, Some(json!({"x": 1})));
        assert_eq!(s.severity_for("main", "deny_a", false), Severity::Critical);
        assert_eq!(s.severity_for("main", "deny_b", false), Severity::Low);
        assert_eq!(s.severity_for("lib", "deny", false), Severity::Info);
        assert_eq!(s.severity_for("main", "deny", false), Severity::High);
        assert_eq!(s.severity_for("main", "warn", true), Severity::Info);
        assert!(s.evaluates("main") && !s.evaluates("lib"));
        assert_eq!(s.disable, vec!["main/warn"]);
    }

    #[test]
    fn defaults() {
        let s = Settings::from_json(&json!({})).unwrap();
        assert!(s.files.is_empty());
        assert_eq!(s.rego_version, RegoVersion::Auto);
        assert_eq!(s.severity_for("main", "deny", false), Severity::Medium);
        assert_eq!(s.severity_for("main", "warn", true), Severity::Low);
        assert!(s.evaluates("anything"));
    }

    #[test]
    fn rejects_bad_settings() {
        for bad in [
            json!([]),
            json!({"file": []}),
            json!({"files": {}}),
            json!({"files": [{"name": "a"}]}),
            json!({"files": [{"name": " ", "text": ""}]}),
            json!({"rego_version": "v2"}),
            json!({"data": [1]}),
            json!({"namespaces": "main"}),
            json!({"namespaces": [1]}),
            json!({"default_severity": "severe"}),
            json!({"severities": {"a": 3}}),
        ] {
            assert!(Settings::from_json(&bad).is_err(), "{bad}");
        }
    }
}
