use preflight_policy::prelude::*;

use crate::support::{absent_at, lit, truthy};

declare_rule! {
    /// ## What it does
    /// Checks that ElastiCache replication groups turn on `TransitEncryptionEnabled` together
    /// with an `AuthToken` or `UserGroupIds`, as checkov's CKV_AWS_31 does.
    ///
    /// ## Why is this bad?
    /// Without authentication anyone who reaches the cluster's endpoint reads and writes the
    /// cache; an auth token or RBAC user group only protects anything when sent over TLS.
    ///
    /// ## Example
    /// ```yaml
    /// Cache:
    ///   Type: AWS::ElastiCache::ReplicationGroup
    ///   Properties:
    ///     TransitEncryptionEnabled: true
    /// ```
    ///
    /// ## Fix
    /// Set `TransitEncryptionEnabled: true` and either `AuthToken` (from Secrets Manager) or
    /// `UserGroupIds` (Redis RBAC).
    pub struct ElasticacheTransitAuth {
        id: "SEC142",
        name: "elasticache-transit-auth",
        title: "ElastiCache replication groups authenticate over TLS",
        severity: Medium,
        resource_types: [
            "AWS::ElastiCache::ReplicationGroup",
        ],
        equivalents: { "checkov": ["CKV_AWS_31"] },
    }
}

impl Rule for ElasticacheTransitAuth {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let transit = r.property("TransitEncryptionEnabled");
            if transit.as_ref().is_some_and(|n| lit(&t, n).is_none()) {
                continue;
            }
            let on = truthy(&t, transit.as_ref());
            let auth = r.property("AuthToken").is_some() || r.property("UserGroupIds").is_some();
            let why = match (on, auth) {
                (true, true) => continue,
                (true, false) => "encrypts in transit but sets no `AuthToken` or `UserGroupIds`",
                (false, _) => {
                    "does not turn on `TransitEncryptionEnabled` with an `AuthToken` or user groups"
                }
            };
            let at = transit.unwrap_or_else(|| absent_at(&r));
            out.add(
                &at,
                format!(
                    "replication group `{}` {why}: clients are not authenticated over TLS",
                    r.id
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC142", "tests/fixtures/sec142.yaml"));
    }
}
