//! Reading test files as `cfn-guard test` reads them: a YAML (or JSON) list of cases,
//! each with an `input` document and its `expectations`, the input converted to JSON
//! the way cfn-guard converts it.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value as Json};

use super::plan::Suite;
use crate::guard::tags::long_form;

/// Largest test file read, in bytes.
const MAX_TEST_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A test file that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    /// The test file.
    pub file: String,
    /// Why.
    pub error: String,
}

/// A test case as cfn-guard's test command reads it.
#[derive(Debug, Deserialize)]
pub(super) struct TestSpec {
    name: Option<String>,
    input: serde_yaml::Value,
    expectations: TestExpectations,
}

#[derive(Debug, Deserialize)]
struct TestExpectations {
    rules: HashMap<String, String>,
}

/// A case ready to evaluate.
pub(super) struct Case {
    pub(super) name: Option<String>,
    pub(super) file: String,
    /// The input as JSON text, or why it cannot be evaluated.
    pub(super) input: Result<String, String>,
    pub(super) expectations: HashMap<String, String>,
}

/// A suite with its files read.
pub(super) struct Prepared {
    pub(super) suite: Suite,
    /// The rules file's name inside the policy (its ids are `<name>/<RULE>`).
    pub(super) name: String,
    pub(super) settings: Result<String, String>,
    pub(super) cases: Vec<Case>,
    pub(super) file_errors: Vec<FileError>,
}

/// Reads a suite's rules file and test files.
pub(super) fn prepare(suite: &Suite) -> Prepared {
    let name = suite
        .rules
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rules".to_string());
    let settings =
        preflight_template::fs::read_to_string(&suite.rules, preflight_template::fs::INPUT_LIMIT)
            .map_err(|e| format!("cannot read {}: {e}", suite.rules.display()))
            .map(|text| {
                serde_json::json!({
                    "rules": [{"name": name, "text": text}],
                    "every_status": true,
                })
                .to_string()
            });
    let mut cases = Vec::new();
    let mut file_errors = Vec::new();
    for file in &suite.tests {
        match read_specs(file) {
            Ok(specs) => cases.extend(specs.into_iter().map(|spec| Case {
                name: spec.name,
                file: file.display().to_string(),
                input: input_json(&spec.input).map(|v| v.to_string()),
                expectations: spec.expectations.rules,
            })),
            Err(error) => file_errors.push(FileError {
                file: file.display().to_string(),
                error,
            }),
        }
    }
    Prepared {
        suite: suite.clone(),
        name,
        settings,
        cases,
        file_errors,
    }
}

/// Reads a test file as cfn-guard does: YAML first, then JSON.
fn read_specs(path: &Path) -> Result<Vec<TestSpec>, String> {
    let text = preflight_template::fs::read_to_string(path, MAX_TEST_FILE_BYTES)
        .map_err(|e| format!("cannot read it: {e}"))?;
    match serde_yaml::from_str::<Vec<TestSpec>>(&text) {
        Ok(specs) => Ok(specs),
        Err(yaml) => serde_json::from_str::<Vec<TestSpec>>(&text).map_err(|json| {
            if text.trim_start().starts_with(['[', '{']) {
                format!("not a list of test cases: {json} (as YAML: {yaml})")
            } else {
                format!("not a list of test cases: {yaml}")
            }
        }),
    }
}

/// A case's input as the JSON document cfn-guard's test command evaluates: its YAML to
/// Guard value conversion (64-bit unsigned integers wrap as cfn-guard wraps them, a
/// short-form tag becomes its long form, any other tag is dropped, keys must be
/// strings).
pub fn input_json(value: &serde_yaml::Value) -> Result<Json, String> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Json::Null,
        Y::Bool(b) => Json::Bool(*b),
        Y::String(s) => Json::String(s.clone()),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                // cfn-guard: `as_u64() as i64`.
                Json::from(u as i64)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Json::Number(Number::from_f64(f).ok_or_else(|| {
                    format!("the input holds the number {f}, which cannot be passed as JSON")
                })?)
            }
        }
        Y::Sequence(items) => Json::Array(items.iter().map(input_json).collect::<Result<_, _>>()?),
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let Y::String(key) = k else {
                    return Err(format!(
                        "the input has a mapping key that is not a string ({})",
                        yaml_kind(k)
                    ));
                };
                out.insert(key.clone(), input_json(v)?);
            }
            Json::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let inner = input_json(&tagged.value)?;
            match tag.matches('!').count() {
                1 => match long_form(tag.trim_start_matches('!')) {
                    Some(long) => {
                        let mut map = Map::new();
                        map.insert(long.to_string(), inner);
                        Json::Object(map)
                    }
                    None => inner,
                },
                _ => inner,
            }
        }
    })
}

fn yaml_kind(v: &serde_yaml::Value) -> &'static str {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => "null",
        Y::Bool(_) => "a boolean",
        Y::Number(_) => "a number",
        Y::String(_) => "a string",
        Y::Sequence(_) => "a list",
        Y::Mapping(_) => "a mapping",
        Y::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> serde_yaml::Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn inputs_convert_as_cfn_guard_converts_them() {
        let v = input_json(&yaml(
            "a: !GetAtt B.Arn\nb: !Ref X\nc: !Cidr [1, 2]\nd: !Sub ['x', {}]\ne: 18446744073709551615\nf: 1.5\n",
        ))
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "a": {"Fn::GetAtt": "B.Arn"},
                "b": {"Ref": "X"},
                "c": [1, 2],
                "d": {"Fn::Sub": ["x", {}]},
                "e": -1,
                "f": 1.5
            })
        );
        assert!(input_json(&yaml("1: x")).is_err());
        assert_eq!(input_json(&yaml("~")).unwrap(), Json::Null);
    }
}
