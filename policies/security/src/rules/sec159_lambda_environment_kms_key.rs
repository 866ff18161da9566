use preflight_policy::prelude::*;

use crate::support::{absent_at, is_set};
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks that Lambda functions with `Environment.Variables` set `KmsKeyArn`, as checkov's
    /// CKV_AWS_173 does (SAM `Globals` included). Opinionated: at info severity; Lambda encrypts
    /// variables with an AWS managed key by default.
    ///
    /// ## Why is this bad?
    /// With the AWS managed key, anyone allowed `lambda:GetFunctionConfiguration` reads the
    /// variables; a customer key adds a key policy that decides who may decrypt them.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Environment:
    ///       Variables:
    ///         TABLE: orders
    /// ```
    ///
    /// ## Fix
    /// Set `KmsKeyArn` to a customer managed key (and keep secrets out of the environment,
    /// SEC036).
    pub struct LambdaEnvironmentKmsKey {
        id: "SEC159",
        name: "lambda-environment-kms-key",
        title: "Lambda environment variables are encrypted with a customer key",
        severity: Info,
        resource_types: [
            "AWS::Lambda::Function",
            "AWS::Serverless::Function",
        ],
        equivalents: { "checkov": ["CKV_AWS_173"] },
    }
}

impl Rule for LambdaEnvironmentKmsKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            let Some(variables) = r.property_path("Environment/Variables") else {
                continue;
            };
            let empty = match variables.value() {
                Value::Object(map) => map.is_empty(),
                Value::Null => true,
                _ => false,
            };
            if empty || is_set(&r, "KmsKeyArn") {
                continue;
            }
            // Variables from `Globals` are reported on each function they reach.
            let at = if variables.pointer().starts_with("/Globals") {
                absent_at(&r)
            } else {
                variables
            };
            out.add(&at, format!("the environment variables of function `{}` are encrypted with the AWS managed key (no `KmsKeyArn`)", r.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC159", "tests/fixtures/sec159.yaml"));
    }
}
