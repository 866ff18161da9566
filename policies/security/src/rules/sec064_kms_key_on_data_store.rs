use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that AWS Backup vaults (`EncryptionKeyArn`), Timestream databases
    /// (`KmsKeyId`) and Bedrock agents (`CustomerEncryptionKeyArn`) name a customer
    /// managed KMS key.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// These stores are encrypted by default, but with a key whose policy you cannot
    /// narrow, whose use you cannot revoke and which another account cannot be granted.
    ///
    /// ## Example
    /// ```yaml
    /// Vault:
    ///   Type: AWS::Backup::BackupVault
    ///   Properties:
    ///     BackupVaultName: nightly
    /// ```
    ///
    /// ## Fix
    /// Set the key property to a customer managed key ARN.
    pub struct KmsKeyOnDataStore {
        id: "SEC064",
        name: "kms-key-on-data-store",
        title: "Backup vaults, Timestream databases and Bedrock agents use a customer managed key",
        severity: Low,
        resource_types: [
            "AWS::Backup::BackupVault",
            "AWS::Timestream::Database",
            "AWS::Bedrock::Agent",
        ],
        equivalents: { "checkov": ["CKV_AWS_166", "CKV_AWS_160", "CKV_AWS_373"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        types: &["AWS::Backup::BackupVault"],
        path: "EncryptionKeyArn",
        expect: Expect::Set,
        what: "its recovery points are encrypted with an AWS managed key",
    },
    Requirement {
        types: &["AWS::Timestream::Database"],
        path: "KmsKeyId",
        expect: Expect::Set,
        what: "its data is encrypted with an AWS managed key",
    },
    Requirement {
        types: &["AWS::Bedrock::Agent"],
        path: "CustomerEncryptionKeyArn",
        expect: Expect::Set,
        what: "its session data is encrypted with a key AWS owns",
    },
];

impl Rule for KmsKeyOnDataStore {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC064", "tests/fixtures/sec064.yaml"));
    }
}
