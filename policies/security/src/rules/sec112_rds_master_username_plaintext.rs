use preflight_policy::prelude::*;

use crate::support::is_secure_dynamic_reference;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks the `MasterUsername` of RDS instances, as cfn_nag's F24 does: a literal
    /// string, or a `!Ref` to a parameter that is not `NoEcho` without a `Default` (or to
    /// anything but a parameter), is a plaintext value. A dynamic reference to Secrets Manager
    /// or SSM SecureString (`{{resolve:secretsmanager:...}}`) passes, as do other intrinsics.
    ///
    /// ## Why is this bad?
    /// The master username is half of the database's administrator credentials; written in
    /// the template it is in every copy of it, and guessing the password is all that is left.
    ///
    /// ## Example
    /// ```yaml
    /// Database:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     MasterUsername: admin
    /// ```
    ///
    /// ## Fix
    /// Take the username from a secret (`{{resolve:secretsmanager:db-admin:SecretString:username}}`),
    /// or let RDS manage the credentials (`ManageMasterUserPassword: true` with a generated
    /// username parameter that is `NoEcho`).
    pub struct RdsMasterUsernamePlaintext {
        id: "SEC112",
        name: "rds-master-username-plaintext",
        title: "RDS instance master usernames are not plaintext",
        severity: Low,
        resource_types: [
            "AWS::RDS::DBInstance",
        ],
        equivalents: { "cfn_nag": ["F24"] },
    }
}

impl Rule for RdsMasterUsernamePlaintext {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let Some(node) = r.property("MasterUsername") else {
                continue;
            };
            let why = match node.value() {
                Value::String(s) if is_secure_dynamic_reference(s) => continue,
                Value::String(_) => "a plaintext string".to_string(),
                Value::Object(map) if map.len() == 1 && map.contains_key("Ref") => {
                    let Some(name) = map["Ref"].as_str() else {
                        continue;
                    };
                    if name == "AWS::NoValue" {
                        continue;
                    }
                    match t.section("Parameters").and_then(|p| p.get(name)) {
                        Some(param) => {
                            let no_echo = param
                                .get("NoEcho")
                                .and_then(|n| n.as_bool())
                                .unwrap_or(false);
                            if no_echo && param.get("Default").is_none() {
                                continue;
                            }
                            format!("parameter `{name}`, which is not `NoEcho` without a `Default`")
                        }
                        None => format!("a `Ref` to `{name}`, not a `NoEcho` parameter"),
                    }
                }
                _ => continue,
            };
            out.add(
                &node,
                format!(
                    "DB instance `{}` takes its `MasterUsername` from {why}",
                    r.id
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC112", "tests/fixtures/sec112.yaml"));
    }
}
