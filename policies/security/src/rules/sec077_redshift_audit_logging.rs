use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Redshift clusters set `LoggingProperties.BucketName`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Audit logs are the record of who connected and what they ran; without them a
    /// breach of the warehouse cannot be investigated.
    ///
    /// ## Example
    /// ```yaml
    /// Warehouse:
    ///   Type: AWS::Redshift::Cluster
    ///   Properties:
    ///     ClusterType: single-node
    ///     NodeType: ra3.xlplus
    ///     DBName: dw
    ///     MasterUsername: admin
    ///     ManageMasterPassword: true
    ///     Encrypted: true
    /// ```
    ///
    /// ## Fix
    /// Set `LoggingProperties: {BucketName: ..., S3KeyPrefix: ...}`.
    pub struct RedshiftAuditLogging {
        id: "SEC077",
        name: "redshift-audit-logging",
        title: "Redshift clusters write audit logs",
        severity: Low,
        resource_types: [
            "AWS::Redshift::Cluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_71"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Redshift::Cluster"],
    path: "LoggingProperties/BucketName",
    expect: Expect::Set,
    what: "its connections and queries are not logged",
}];

impl Rule for RedshiftAuditLogging {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC077", "tests/fixtures/sec077.yaml"));
    }
}
