//! Values as deployed with defaults: a `Ref` to a parameter read as the parameter's
//! `Default`, and an `Fn::FindInMap` with literal keys read from the template's
//! `Mappings`.
//!
//! A template is often deployed without overriding its parameters, so a value that is
//! only decided at deploy time still has a likely value: the one it takes "if deployed
//! with defaults". Rules use it to judge such values (and say where the value came
//! from); the model uses it to see that a security group rule is open to the world.
//!
//! ```
//! use preflight_policy::Template;
//! use preflight_policy::permissions::with_defaults;
//! use serde_json::json;
//!
//! let root = json!({"Parameters": {"Acl": {"Type": "String", "Default": "PublicRead"}}});
//! let template = Template::new(&root);
//! let acl = json!({"Ref": "Acl"});
//! let deployed = with_defaults(&template, &acl).unwrap();
//! assert_eq!(deployed.value, &json!("PublicRead"));
//! assert_eq!(deployed.parameter, Some("Acl"));
//! ```

use serde_json::Value;

use crate::template::Template;

use super::render::intrinsic;

/// A value as it is when the stack is deployed with defaults, and the parameter whose
/// `Default` it is, when it came from one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Defaulted<'a> {
    /// The value: the literal as written, or the parameter's `Default`.
    pub value: &'a Value,
    /// The parameter whose `Default` the value is (`None`: written as a literal).
    pub parameter: Option<&'a str>,
}

impl Defaulted<'_> {
    /// The value as text: strings as written, booleans and numbers as JSON writes them;
    /// `None` for null, sequences and mappings.
    pub fn as_text(&self) -> Option<String> {
        match self.value {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Whether the value came from a parameter's `Default`.
    pub fn is_default(&self) -> bool {
        self.parameter.is_some()
    }
}

/// The value if deployed with defaults: anything that is not a mapping as itself; a
/// `{"Ref": "P"}` to a declared parameter that has a `Default` as that default (the
/// parameter named in [`Defaulted::parameter`]). `None` for a parameter without a
/// `Default`, a pseudo parameter, a resource, any other intrinsic and any mapping:
/// those are not known before the deploy.
pub fn with_defaults<'a>(template: &Template<'a>, value: &'a Value) -> Option<Defaulted<'a>> {
    match value {
        Value::Object(map) => {
            let (key, name) = map.iter().next().filter(|_| map.len() == 1)?;
            if key != "Ref" {
                return None;
            }
            let name = name.as_str()?;
            Some(Defaulted {
                value: parameter_default(template, name)?,
                parameter: Some(name),
            })
        }
        other => Some(Defaulted {
            value: other,
            parameter: None,
        }),
    }
}

/// The `Default` of a declared parameter.
pub fn parameter_default<'a>(template: &Template<'a>, name: &str) -> Option<&'a Value> {
    template
        .section("Parameters")?
        .value()
        .get(name)?
        .get("Default")
}

/// An `Fn::FindInMap` whose three keys are literal strings, looked up in the template's
/// `Mappings` (or, when the entry is not there, the `DefaultValue` of the optional fourth
/// argument); `None` for anything else.
pub fn find_in_map<'a>(template: &Template<'a>, value: &'a Value) -> Option<&'a Value> {
    let (name, args) = intrinsic(value.as_object()?)?;
    if name != "Fn::FindInMap" {
        return None;
    }
    let args = args.as_array()?;
    let (keys, options) = match args.as_slice() {
        [a, b, c] => ([a, b, c], None),
        [a, b, c, options] => ([a, b, c], Some(options)),
        _ => return None,
    };
    let [Some(map), Some(top), Some(second)] = keys.map(Value::as_str) else {
        return None;
    };
    let found = template
        .section("Mappings")
        .and_then(|m| m.value().get(map)?.get(top)?.get(second));
    found.or_else(|| options?.get("DefaultValue"))
}

/// A value as a literal string if deployed with defaults: a literal string, a `Ref` to a
/// parameter whose `Default` is a string, or an `Fn::FindInMap` with literal keys that
/// finds one. With the parameter, when the value is a parameter's `Default`.
pub(crate) fn literal_string<'a>(
    template: &Template<'a>,
    value: &'a Value,
) -> Option<(&'a str, Option<&'a str>)> {
    if let Some(found) = find_in_map(template, value) {
        return found.as_str().map(|s| (s, None));
    }
    let deployed = with_defaults(template, value)?;
    deployed.value.as_str().map(|s| (s, deployed.parameter))
}
