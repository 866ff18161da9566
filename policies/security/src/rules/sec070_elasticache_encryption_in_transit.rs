use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that ElastiCache replication groups set `TransitEncryptionEnabled: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Without TLS, cached data and any AUTH token cross the network in the clear,
    /// readable by anything on the path inside the VPC.
    ///
    /// ## Example
    /// ```yaml
    /// Cache:
    ///   Type: AWS::ElastiCache::ReplicationGroup
    ///   Properties:
    ///     ReplicationGroupDescription: cache
    ///     AtRestEncryptionEnabled: true
    /// ```
    ///
    /// ## Fix
    /// Set `TransitEncryptionEnabled: true` (and use an `AuthToken` or user groups).
    pub struct ElasticacheEncryptionInTransit {
        id: "SEC070",
        name: "elasticache-encryption-in-transit",
        title: "ElastiCache replication groups encrypt traffic in transit",
        severity: Medium,
        resource_types: [
            "AWS::ElastiCache::ReplicationGroup",
        ],
        equivalents: { "cfn_nag": ["F33"], "checkov": ["CKV_AWS_30"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::ElastiCache::ReplicationGroup"],
    path: "TransitEncryptionEnabled",
    expect: Expect::True,
    what: "clients and replicas talk to it in plaintext",
}];

impl Rule for ElasticacheEncryptionInTransit {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC070", "tests/fixtures/sec070.yaml"));
    }
}
