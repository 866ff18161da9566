use preflight_policy::prelude::*;

use crate::support::{Flag, flag, is_set, report_off, text_with_defaults};

declare_rule! {
    /// ## What it does
    /// Checks that databases encrypt their storage: RDS DB instances and clusters, Neptune
    /// and DocumentDB clusters (`StorageEncrypted: true`), Redshift clusters
    /// (`Encrypted: true`) and DAX clusters (`SSESpecification.SSEEnabled: true`).
    /// Instances that belong to a cluster, replicas and restores from a snapshot inherit
    /// their encryption and are not judged, nor is Aurora Serverless v1 (always
    /// encrypted). A `!Ref` to a parameter is judged by its default.
    ///
    /// ## Why is this bad?
    /// Storage encryption cannot be turned on later without a snapshot, a copy and a
    /// restore; unencrypted snapshots can be shared or copied and read.
    ///
    /// ## Example
    /// ```yaml
    /// Database:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     Engine: postgres
    ///     DBInstanceClass: db.t4g.micro
    /// ```
    ///
    /// ## Fix
    /// Set `StorageEncrypted: true` (`Encrypted: true` for Redshift), with a `KmsKeyId`
    /// for a key you control.
    pub struct DatabaseStorageEncryption {
        id: "SEC029",
        name: "database-storage-encryption",
        title: "Database storage is encrypted",
        severity: High,
        resource_types: [
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::Neptune::DBCluster",
            "AWS::DocDB::DBCluster",
            "AWS::Redshift::Cluster",
            "AWS::DAX::Cluster",
        ],
        equivalents: {
            "cfn_nag": ["F26", "F27", "F28", "F30", "W83"],
            "checkov": ["CKV_AWS_16", "CKV_AWS_44", "CKV_AWS_74", "CKV_AWS_64", "CKV_AWS_47"],
        },
    }
}

impl Rule for DatabaseStorageEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let property = match r.ty {
                "AWS::RDS::DBInstance" => {
                    if [
                        "DBClusterIdentifier",
                        "SourceDBInstanceIdentifier",
                        "DBSnapshotIdentifier",
                        "SourceDBClusterIdentifier",
                    ]
                    .iter()
                    .any(|p| is_set(&r, p))
                    {
                        continue;
                    }
                    "StorageEncrypted"
                }
                "AWS::RDS::DBCluster" => {
                    let serverless_v1 = r
                        .property("EngineMode")
                        .and_then(|n| text_with_defaults(&t, &n))
                        .is_some_and(|(m, _)| m.eq_ignore_ascii_case("serverless"));
                    if serverless_v1
                        || [
                            "SnapshotIdentifier",
                            "SourceDBClusterIdentifier",
                            "ReplicationSourceIdentifier",
                        ]
                        .iter()
                        .any(|p| is_set(&r, p))
                    {
                        continue;
                    }
                    "StorageEncrypted"
                }
                "AWS::Neptune::DBCluster" | "AWS::DocDB::DBCluster" => {
                    if is_set(&r, "SnapshotIdentifier") || is_set(&r, "RestoreType") {
                        continue;
                    }
                    "StorageEncrypted"
                }
                "AWS::Redshift::Cluster" => {
                    if is_set(&r, "SnapshotIdentifier") {
                        continue;
                    }
                    "Encrypted"
                }
                "AWS::DAX::Cluster" => "SSESpecification/SSEEnabled",
                _ => continue,
            };
            if let Flag::Off(off) = flag(&t, &r, property) {
                let shown = property.replace('/', ".");
                report_off(out, &r, &shown, &off, "its storage is not encrypted");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC029", "tests/fixtures/sec029.yaml"));
    }
}
