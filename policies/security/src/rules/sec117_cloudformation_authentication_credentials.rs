use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks each resource's `Metadata` `AWS::CloudFormation::Authentication` blocks (the
    /// credentials cfn-init uses to download files and sources) for `accessKeyId`, `password` or
    /// `secretKey`, as cfn_nag's W1 does. Blocks that name a `roleName` only pass.
    ///
    /// ## Why is this bad?
    /// Credentials in the template are in every copy of it, and cfn-init writes them to the
    /// instance; an instance role gives the same access without a long-lived secret.
    ///
    /// ## Example
    /// ```yaml
    /// Instance:
    ///   Type: AWS::EC2::Instance
    ///   Metadata:
    ///     AWS::CloudFormation::Authentication:
    ///       S3Access:
    ///         type: S3
    ///         accessKeyId: AKIAIOSFODNN7EXAMPLE
    ///         secretKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    /// ```
    ///
    /// ## Fix
    /// Use `type: S3` with `roleName` (an instance profile's role) instead of keys, or
    /// `{{resolve:secretsmanager:...}}` for basic authentication passwords.
    pub struct CloudformationAuthenticationCredentials {
        id: "SEC117",
        name: "cloudformation-authentication-credentials",
        title: "CloudFormation authentication metadata holds no credentials",
        severity: Medium,
        resource_types: [
        ],
        equivalents: { "cfn_nag": ["W1"] },
    }
}

const CREDENTIALS: &[&str] = &["accessKeyId", "password", "secretKey"];

impl Rule for CloudformationAuthenticationCredentials {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        cx.template.resources().any(|r| {
            r.attribute("Metadata")
                .is_some_and(|m| m.get("AWS::CloudFormation::Authentication").is_some())
        })
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources() {
            let Some(auth) = r
                .attribute("Metadata")
                .and_then(|m| m.get("AWS::CloudFormation::Authentication"))
            else {
                continue;
            };
            for (name, block) in auth.entries() {
                let Some((key, node)) = CREDENTIALS
                    .iter()
                    .find_map(|k| block.get(k).map(|n| (*k, n)))
                else {
                    continue;
                };
                out.add(
                    &node,
                    format!(
                        "authentication `{name}` of `{}` writes `{key}` into the template: credentials in plain sight",
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
        insta::assert_snapshot!(render_rule("SEC117", "tests/fixtures/sec117.yaml"));
    }
}
