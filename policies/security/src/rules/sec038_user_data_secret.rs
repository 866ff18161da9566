use preflight_policy::permissions::render;
use preflight_policy::prelude::*;
use serde_json::Value;

use crate::support::{is_secret_name, plausible_secret_value, secret_shape};

declare_rule! {
    /// ## What it does
    /// Checks EC2 user data (`AWS::EC2::Instance`, `AWS::EC2::LaunchTemplate`,
    /// `AWS::AutoScaling::LaunchConfiguration`) for plaintext secrets: a value that looks
    /// like a credential (an AWS access key id, a private key, a well-known token, a URL
    /// with a password), or a literal assigned to a secret-looking name
    /// (`export DB_PASSWORD=...`, `--password=...`, `password: ...`). Values taken from
    /// parameters, `Fn::Sub` placeholders or shell variables pass.
    ///
    /// ## Why is this bad?
    /// User data is readable by anyone who can describe the instance or launch template,
    /// and from inside the instance by any process through the metadata service.
    ///
    /// ## Example
    /// ```yaml
    /// UserData:
    ///   Fn::Base64: |
    ///     #!/bin/bash
    ///     export DB_PASSWORD=hunter2hunter2
    /// ```
    ///
    /// ## Fix
    /// Fetch the secret at boot from Secrets Manager or SSM Parameter Store with the
    /// instance role.
    pub struct UserDataSecret {
        id: "SEC038",
        name: "user-data-secret",
        title: "EC2 user data holds no plaintext secrets",
        severity: High,
        resource_types: [
            "AWS::EC2::Instance",
            "AWS::EC2::LaunchTemplate",
            "AWS::AutoScaling::LaunchConfiguration",
        ],
    }
}

/// The user data as text: `Fn::Base64` unwrapped, intrinsics rendered symbolically.
fn text(value: &Value) -> String {
    match value.as_object().and_then(|m| m.get("Fn::Base64")) {
        Some(inner) if value.as_object().is_some_and(|m| m.len() == 1) => render(inner),
        _ => render(value),
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'' || c == ';' || c == ',')
}

/// The first secret in the text: (what it is, the name it is assigned to).
pub fn find_secret(text: &str) -> Option<String> {
    for line in text.lines() {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        for (i, token) in tokens.iter().enumerate() {
            let token = unquote(token);
            if let Some(shape) = secret_shape(token) {
                return Some(format!("what looks like {shape}"));
            }
            if let Some((name, value)) = token.split_once('=').or_else(|| {
                token
                    .strip_suffix(':')
                    .map(|name| (name, tokens.get(i + 1).copied().unwrap_or("")))
            }) {
                let name = name.trim_start_matches('-');
                let value = unquote(value);
                if is_secret_name(name) && plausible_secret_value(value) {
                    return Some(format!("a plaintext value for `{name}`"));
                }
            } else if token.starts_with("--")
                && is_secret_name(token)
                && let Some(next) = tokens.get(i + 1)
                && plausible_secret_value(unquote(next))
                && !next.starts_with('-')
            {
                return Some(format!("a plaintext value for `{token}`"));
            }
        }
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            return Some("a private key".to_string());
        }
    }
    None
}

impl Rule for UserDataSecret {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            let user_data = match r.ty {
                "AWS::EC2::Instance" | "AWS::AutoScaling::LaunchConfiguration" => {
                    r.property("UserData")
                }
                "AWS::EC2::LaunchTemplate" => r.property_path("LaunchTemplateData/UserData"),
                _ => continue,
            };
            let Some(user_data) = user_data else { continue };
            if let Some(what) = find_secret(&text(user_data.value())) {
                out.add(
                    &user_data,
                    format!("the user data of `{}` holds {what}", r.id),
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
        insta::assert_snapshot!(render_rule("SEC038", "tests/fixtures/sec038.yaml"));
    }
}
