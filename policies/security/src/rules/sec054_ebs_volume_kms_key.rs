use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that EBS volumes set `KmsKeyId`. SEC028 checks that they are encrypted at
    /// all.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// With the AWS managed key every principal in the account that may use EBS can
    /// read the volume's snapshots, and they cannot be shared with another account.
    ///
    /// ## Example
    /// ```yaml
    /// Volume:
    ///   Type: AWS::EC2::Volume
    ///   Properties:
    ///     AvailabilityZone: us-east-1a
    ///     Size: 10
    ///     Encrypted: true
    /// ```
    ///
    /// ## Fix
    /// Set `KmsKeyId` to a customer managed key (and `Encrypted: true`).
    pub struct EbsVolumeKmsKey {
        id: "SEC054",
        name: "ebs-volume-kms-key",
        title: "EBS volumes name the KMS key that encrypts them",
        severity: Low,
        resource_types: [
            "AWS::EC2::Volume",
        ],
        equivalents: { "cfn_nag": ["W37"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::EC2::Volume"],
    path: "KmsKeyId",
    expect: Expect::Set,
    what: "it is encrypted, if at all, with the AWS managed key `aws/ebs`, which you cannot restrict or share",
}];

impl Rule for EbsVolumeKmsKey {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC054", "tests/fixtures/sec054.yaml"));
    }
}
