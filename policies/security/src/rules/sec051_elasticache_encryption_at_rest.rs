use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that ElastiCache replication groups set `AtRestEncryptionEnabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Encryption at rest can only be chosen when the replication group is created: the
    /// cache's data on disk, its swap and its backups in S3 are otherwise stored in the
    /// clear.
    ///
    /// ## Example
    /// ```yaml
    /// Cache:
    ///   Type: AWS::ElastiCache::ReplicationGroup
    ///   Properties:
    ///     ReplicationGroupDescription: cache
    ///     Engine: redis
    /// ```
    ///
    /// ## Fix
    /// Set `AtRestEncryptionEnabled: true`, with a `KmsKeyId` for a key you control.
    pub struct ElasticacheEncryptionAtRest {
        id: "SEC051",
        name: "elasticache-encryption-at-rest",
        title: "ElastiCache replication groups are encrypted at rest",
        severity: Medium,
        resource_types: [
            "AWS::ElastiCache::ReplicationGroup",
        ],
        equivalents: { "cfn_nag": ["F25"], "checkov": ["CKV_AWS_29"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::ElastiCache::ReplicationGroup"],
    path: "AtRestEncryptionEnabled",
    expect: Expect::True,
    what: "its data and backups are not encrypted at rest",
}];

impl Rule for ElasticacheEncryptionAtRest {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC051", "tests/fixtures/sec051.yaml"));
    }
}
