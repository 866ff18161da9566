use preflight_policy::prelude::*;

use crate::support::{is_secret_name, is_secure_dynamic_reference, secret_shape};

declare_rule! {
    /// ## What it does
    /// Checks template parameters whose name looks like a secret (`DBPassword`,
    /// `ApiKey`, `GithubToken`, ...) for a `Default` value, and for a missing
    /// `NoEcho: true`. A default on a parameter that is not `NoEcho` is reported at high
    /// severity; a default on a `NoEcho` parameter at medium (`NoEcho` hides the value in
    /// the console and API, not in the template). SSM parameter types
    /// (`AWS::SSM::Parameter::Value<...>`), whose default is a parameter name, and
    /// defaults that are dynamic references to Secrets Manager or SSM SecureString pass.
    ///
    /// ## Why is this bad?
    /// The default is the secret, written in the template and everywhere the template is
    /// copied; without `NoEcho`, whatever value is passed is also shown in the console and
    /// returned by `DescribeStacks`.
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
    ///   DBPassword:
    ///     Type: String
    ///     Default: hunter2hunter2
    /// ```
    ///
    /// ## Fix
    /// Remove the default and set `NoEcho: true`; better, generate the secret with
    /// `AWS::SecretsManager::Secret` and refer to it with a dynamic reference.
    pub struct SecretParameterDefault {
        id: "SEC037",
        name: "secret-parameter-default",
        title: "Secret parameters have no default value",
        severity: High,
    }
}

impl Rule for SecretParameterDefault {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        !cx.template.parameters().is_empty()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (name, param) in cx.template.parameters() {
            let ty = param
                .get("Type")
                .and_then(|t| t.as_str().map(str::to_string));
            if ty
                .as_deref()
                .is_some_and(|t| t.starts_with("AWS::SSM::Parameter"))
            {
                continue;
            }
            let Some(default) = param.get("Default") else {
                continue;
            };
            let text = match default.value() {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => continue,
            };
            if text.trim().is_empty() || is_secure_dynamic_reference(&text) {
                continue;
            }
            if !is_secret_name(name) && secret_shape(&text).is_none() {
                continue;
            }
            let no_echo = param.get("NoEcho").and_then(|n| n.as_bool()) == Some(true);
            if no_echo {
                out.add(
                    &default,
                    format!("parameter `{name}` looks like a secret and has a default value in the template (`NoEcho` only hides it in the console)"),
                )
                .severity(Severity::Medium);
            } else {
                out.add(
                    &default,
                    format!("parameter `{name}` looks like a secret, has a default value and is not `NoEcho`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC037", "tests/fixtures/sec037.yaml"));
    }
}
