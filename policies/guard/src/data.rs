//! The document Guard evaluates: the template with the parameter documents merged in,
//! exactly as `cfn-guard validate --input-parameters` merges them.

use serde_json::Value;

/// Merges `parameters` (in order) and then `template` into one document.
///
/// cfn-guard's rule: two mappings merge when they share no key (a shared key is an
/// error, so parameters can never override template values), two lists concatenate,
/// anything else is an error. Parameters come first, so their keys come first.
pub fn merge_parameters(parameters: &[Value], template: &Value) -> Result<Value, String> {
    let mut merged: Option<Value> = None;
    for (i, p) in parameters.iter().enumerate() {
        merged = Some(match merged {
            None => p.clone(),
            Some(current) => {
                merge(current, p.clone()).map_err(|e| format!("guard parameters[{i}]: {e}"))?
            }
        });
    }
    match merged {
        None => Ok(template.clone()),
        Some(params) => merge(params, template.clone())
            .map_err(|e| format!("guard parameters cannot be merged into the template: {e}")),
    }
}

fn merge(into: Value, other: Value) -> Result<Value, String> {
    match (into, other) {
        (Value::Array(mut a), Value::Array(b)) => {
            a.extend(b);
            Ok(Value::Array(a))
        }
        (Value::Object(mut a), Value::Object(b)) => {
            for (key, value) in b {
                if a.contains_key(&key) {
                    return Err(format!("key `{key}` is defined twice"));
                }
                a.insert(key, value);
            }
            Ok(Value::Object(a))
        }
        (a, b) => Err(format!(
            "a {} and a {} cannot be merged",
            kind(&a),
            kind(&b)
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parameters_merge_before_the_template() {
        let t = json!({"Resources": {}});
        let merged = merge_parameters(&[json!({"A": 1}), json!({"B": 2})], &t).unwrap();
        assert_eq!(merged, json!({"A": 1, "B": 2, "Resources": {}}));
        let keys: Vec<&String> = merged.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["A", "B", "Resources"]);
    }

    #[test]
    fn conflicts_and_mismatches_are_errors() {
        let t = json!({"Resources": {}});
        assert!(merge_parameters(&[json!({"Resources": 1})], &t).is_err());
        assert!(merge_parameters(&[json!({"A": 1}), json!({"A": 2})], &t).is_err());
        assert!(merge_parameters(&[json!(null)], &t).is_err());
        assert!(merge_parameters(&[json!([1])], &t).is_err());
        assert_eq!(merge_parameters(&[], &t).unwrap(), t);
    }
}
