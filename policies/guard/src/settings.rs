//! The policy's settings, as the host sends them:
//!
//! ```json
//! {
//!   "rules": [{"name": "s3.guard", "text": "rule S3_VERSIONING { ... }"}],
//!   "parameters": [{"ALLOWED_PORTS": [443]}],
//!   "default_severity": "medium",
//!   "severities": {"s3.guard/S3_VERSIONING": "high", "S3_LOGGING": "low", "iam.guard": "critical"},
//!   "every_status": false
//! }
//! ```
//!
//! `rules` is required (an empty list evaluates nothing); everything else is optional.
//! `every_status` (for `preflight policy test`) reports each status a rule name had when
//! several rules of a file share the name, instead of the worst one.
//! The host reads the rule files and the `--input-parameters`-style parameter files; the
//! guest never sees a file system.

use std::collections::BTreeMap;

use preflight_policy::Severity;
use serde_json::Value;

/// The keys [`Settings::from_json`] accepts.
const KEYS: &[&str] = &[
    "rules",
    "parameters",
    "default_severity",
    "severities",
    "every_status",
    // Given by the host to every policy: the deploy region (Guard rules cannot read it)
    // and the disabled rule ids (the host drops their findings when it decides).
    "region",
    "disable",
];

/// One Guard rule file, read by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFile {
    /// The file's name (its stem or relative path): rule ids are `<name>/<RULE_NAME>`.
    pub name: String,
    /// The Guard source text.
    pub text: String,
}

/// The parsed settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The rule files, evaluated in this order.
    pub rules: Vec<RuleFile>,
    /// Parameter documents merged into the template before evaluation, in this order,
    /// as `cfn-guard validate --input-parameters` does.
    pub parameters: Vec<Value>,
    /// Severity of findings no entry of `severities` matches (medium by default).
    pub default_severity: Severity,
    /// Severity by full rule id (`file/RULE`), bare rule name (`RULE`) or rule file name.
    pub severities: BTreeMap<String, Severity>,
    /// Report every status of a rule name shared by several rules (one entry each),
    /// not only the worst.
    pub every_status: bool,
}

impl Settings {
    /// Reads the settings value. Errors name the offending key.
    pub fn from_json(value: &Value) -> Result<Settings, String> {
        let Some(map) = value.as_object() else {
            return Err("guard settings must be a JSON object".to_string());
        };
        if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!(
                "unknown guard setting `{unknown}` (expected one of: {})",
                KEYS.join(", ")
            ));
        }
        let rules = match map.get("rules") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| rule_file(i, item))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("guard setting `rules` must be a list".to_string()),
        };
        let parameters = match map.get("parameters") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(_) => return Err("guard setting `parameters` must be a list".to_string()),
        };
        let default_severity = match map.get("default_severity") {
            None | Some(Value::Null) => Severity::Medium,
            Some(v) => severity(v, "default_severity")?,
        };
        let severities = match map.get("severities") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(entries)) => entries
                .iter()
                .map(|(k, v)| Ok((k.clone(), severity(v, &format!("severities.{k}"))?)))
                .collect::<Result<_, String>>()?,
            Some(_) => {
                return Err("guard setting `severities` must be an object".to_string());
            }
        };
        let every_status = match map.get("every_status") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err("guard setting `every_status` must be true or false".to_string()),
        };
        Ok(Settings {
            rules,
            parameters,
            default_severity,
            severities,
            every_status,
        })
    }

    /// The severity for a finding of rule `rule` (bare name) in rule file `file`.
    pub fn severity_for(&self, file: &str, rule: &str, id: &str) -> Severity {
        [id, rule, file]
            .iter()
            .find_map(|key| self.severities.get(*key).copied())
            .unwrap_or(self.default_severity)
    }
}

fn rule_file(index: usize, item: &Value) -> Result<RuleFile, String> {
    let field = |key: &str| {
        item.get(key).and_then(Value::as_str).ok_or_else(|| {
            format!("guard setting `rules[{index}]` needs a string `{key}` (an object with `name` and `text`)")
        })
    };
    let name = field("name")?;
    if name.trim().is_empty() {
        return Err(format!("guard setting `rules[{index}].name` is empty"));
    }
    Ok(RuleFile {
        name: name.to_string(),
        text: field("text")?.to_string(),
    })
}

fn severity(value: &Value, key: &str) -> Result<Severity, String> {
    serde_json::from_value::<Severity>(value.clone()).map_err(|_| {
        format!(
            "guard setting `{key}` must be one of info, low, medium, high, critical (got {value})"
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_every_key() {
        let s = Settings::from_json(&json!({
            "rules": [{"name": "a.guard", "text": "rule A {}"}],
            "parameters": [{"P": 1}],
            "default_severity": "low",
            "severities": {"a.guard/A": "critical", "B": "high", "a.guard": "info"}
        }))
        .unwrap();
        assert_eq!(s.rules[0].name, "a.guard");
        assert_eq!(s.parameters, vec![json!({"P": 1})]);
        assert_eq!(
            s.severity_for("a.guard", "A", "a.guard/A"),
            Severity::Critical
        );
        assert_eq!(s.severity_for("a.guard", "B", "a.guard/B"), Severity::High);
        assert_eq!(s.severity_for("a.guard", "C", "a.guard/C"), Severity::Info);
        assert_eq!(s.severity_for("b.guard", "C", "b.guard/C"), Severity::Low);
    }

    #[test]
    fn empty_settings_evaluate_nothing() {
        let s = Settings::from_json(&json!({})).unwrap();
        assert!(s.rules.is_empty());
        assert_eq!(s.default_severity, Severity::Medium);
    }

    #[test]
    fn accepts_what_the_host_gives_every_policy() {
        let s = Settings::from_json(&json!({"region": "eu-west-1", "disable": ["a/B"]})).unwrap();
        assert!(s.rules.is_empty());
    }

    #[test]
    fn rejects_bad_settings() {
        for bad in [
            json!([]),
            json!({"rule": []}),
            json!({"rules": {}}),
            json!({"rules": [{"name": "a"}]}),
            json!({"rules": [{"name": "", "text": ""}]}),
            json!({"rules": [], "default_severity": "severe"}),
            json!({"severities": {"A": 3}}),
            json!({"parameters": {}}),
            json!({"rules": [], "every_status": "yes"}),
        ] {
            assert!(Settings::from_json(&bad).is_err(), "{bad}");
        }
    }
}
