use preflight_policy::prelude::*;

use crate::support::{lit, plausible_secret_value, secret_shape};

declare_rule! {
    /// ## What it does
    /// Checks SSM parameters whose `Name` says they hold a secret (`secret`, `api_key`,
    /// `apikey`), as checkov's CKV_AWS_384 does: a literal `Value` that looks like a credential
    /// (SEC036's value judgement) is reported. Intrinsics, `${...}` placeholders and names or
    /// values saying `test` or `example` pass.
    ///
    /// ## Why is this bad?
    /// `AWS::SSM::Parameter` cannot create a `SecureString`: the value is stored in plaintext,
    /// in the template and in Parameter Store, readable by anyone with `ssm:GetParameter`.
    ///
    /// ## Example
    /// ```yaml
    /// ApiKey:
    ///   Type: AWS::SSM::Parameter
    ///   Properties:
    ///     Name: /app/api_key
    ///     Type: String
    ///     Value: sk_live_4eC39HqLyjWDarjtT1zdp7dc
    /// ```
    ///
    /// ## Fix
    /// Keep the secret in Secrets Manager (`AWS::SecretsManager::Secret` with a generated
    /// value), or create a `SecureString` parameter outside CloudFormation and pass its name.
    pub struct SsmParameterSecret {
        id: "SEC163",
        name: "ssm-parameter-secret",
        title: "SSM parameters hold no plaintext secrets",
        severity: High,
        resource_types: [
            "AWS::SSM::Parameter",
        ],
        equivalents: { "checkov": ["CKV_AWS_384"] },
    }
}

impl Rule for SsmParameterSecret {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let Some(name) = r.property("Name").and_then(|n| lit(&t, &n)) else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            if !(lower.contains("secret") || lower.contains("api_key") || lower.contains("apikey"))
            {
                continue;
            }
            let Some(node) = r.property("Value") else {
                continue;
            };
            let Some(value) = node.as_str() else {
                continue;
            };
            let value_lower = value.to_ascii_lowercase();
            if value.contains("${")
                || ["test", "example"]
                    .iter()
                    .any(|w| lower.contains(w) || value_lower.contains(w))
            {
                continue;
            }
            if secret_shape(value).is_some() || plausible_secret_value(value) {
                out.add(
                    &node,
                    format!(
                        "SSM parameter `{}` (`{name}`) holds a plaintext secret in the template",
                        r.id
                    ),
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
        insta::assert_snapshot!(render_rule("SEC163", "tests/fixtures/sec163.yaml"));
    }
}
