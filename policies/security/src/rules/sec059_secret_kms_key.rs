use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Secrets Manager secrets set `KmsKeyId` to a customer managed key
    /// (not `alias/aws/secretsmanager`).
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// The AWS managed key lets any principal of the account with Secrets Manager
    /// access decrypt; its policy cannot be changed and other accounts cannot use it.
    ///
    /// ## Example
    /// ```yaml
    /// Secret:
    ///   Type: AWS::SecretsManager::Secret
    ///   Properties:
    ///     GenerateSecretString: {}
    /// ```
    ///
    /// ## Fix
    /// Set `KmsKeyId` to a customer managed key.
    pub struct SecretKmsKey {
        id: "SEC059",
        name: "secret-kms-key",
        title: "Secrets Manager secrets are encrypted with a customer managed key",
        severity: Low,
        resource_types: [
            "AWS::SecretsManager::Secret",
        ],
        equivalents: { "cfn_nag": ["W77"], "checkov": ["CKV_AWS_149"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::SecretsManager::Secret"],
    path: "KmsKeyId",
    expect: Expect::SetExcept("aws/"),
    what: "it is encrypted with the AWS managed key `aws/secretsmanager`, so it cannot be shared with another account and its key policy cannot be narrowed",
}];

impl Rule for SecretKmsKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC059", "tests/fixtures/sec059.yaml"));
    }
}
