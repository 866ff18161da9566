use preflight_policy::prelude::*;

use crate::support::{Seen, is_secret_name, plausible_secret_value, secret_shape};

declare_rule! {
    /// ## What it does
    /// Checks the `Environment.Variables` of Lambda functions (`AWS::Lambda::Function`,
    /// `AWS::Serverless::Function` and SAM `Globals`) for plaintext secrets: a literal
    /// value that looks like a credential (an AWS access key id, a private key, a GitHub,
    /// Slack, Stripe or GitLab token, a URL with a password), or a literal value under a
    /// secret-looking name (`DB_PASSWORD`, `API_KEY`, `ClientSecret`, ...; names such as
    /// `SECRET_ARN` or `TOKEN_TABLE` that only locate a secret are fine). Intrinsics and
    /// dynamic references (`{{resolve:...}}`) pass.
    ///
    /// ## Why is this bad?
    /// The value is stored in the template, in its copies in S3 and source control, and
    /// in the function's configuration, readable by anyone with `lambda:GetFunction`.
    ///
    /// ## Example
    /// ```yaml
    /// Environment:
    ///   Variables:
    ///     DB_PASSWORD: hunter2hunter2
    /// ```
    ///
    /// ## Fix
    /// Keep the secret in Secrets Manager or SSM Parameter Store, pass its name or ARN
    /// in the environment, and read it at run time (or use the Parameters and Secrets
    /// Lambda extension).
    pub struct LambdaEnvironmentSecret {
        id: "SEC036",
        name: "lambda-environment-secret",
        title: "Lambda environment variables hold no plaintext secrets",
        severity: High,
        resource_types: ["AWS::Lambda::Function", "AWS::Serverless::Function"],
        equivalents: { "checkov": ["CKV_AWS_45"] },
    }
}

fn check_variables(variables: &Node<'_>, owner: &str, seen: &mut Seen, out: &mut Findings) {
    if !seen.first(variables.pointer()) {
        return;
    }
    for (name, value) in variables.entries() {
        let Some(text) = value.as_str() else {
            continue;
        };
        let reason = match secret_shape(text) {
            Some(shape) => format!("holds what looks like {shape}"),
            None if is_secret_name(name) && plausible_secret_value(text) => {
                "holds a plaintext value under a secret-looking name".to_string()
            }
            None => continue,
        };
        out.add(
            &value,
            format!("environment variable `{name}` of {owner} {reason}"),
        );
    }
}

impl Rule for LambdaEnvironmentSecret {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let mut seen = Seen::default();
        for f in cx
            .template
            .resources_of_types(&["AWS::Lambda::Function", "AWS::Serverless::Function"])
        {
            if let Some(vars) = f.properties().and_then(|p| p.path("Environment/Variables")) {
                check_variables(&vars, &format!("function `{}`", f.id), &mut seen, out);
            }
        }
        if let Some(vars) = cx
            .template
            .section("Globals")
            .and_then(|g| g.path("Function/Environment/Variables"))
        {
            check_variables(&vars, "every function (`Globals`)", &mut seen, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC036", "tests/fixtures/sec036.yaml"));
    }
}
