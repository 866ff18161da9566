//! Deletion and replacement of stateful resources.

use serde_json::{Value, json};

use crate::permissions::{canonical_json, render};

use super::{Category, Change, ChangeKind, Detail};

/// Resource types that hold data, with the properties whose change replaces the
/// resource (a new physical resource; the old one is deleted). Curated from the
/// CloudFormation resource reference ("Update requires: Replacement").
pub const STATEFUL_TYPES: &[(&str, &[&str])] = &[
    (
        "AWS::DynamoDB::Table",
        &["TableName", "KeySchema", "LocalSecondaryIndexes"],
    ),
    (
        "AWS::DynamoDB::GlobalTable",
        &["TableName", "KeySchema", "LocalSecondaryIndexes"],
    ),
    ("AWS::Serverless::SimpleTable", &["TableName", "PrimaryKey"]),
    ("AWS::S3::Bucket", &["BucketName"]),
    (
        "AWS::S3Express::DirectoryBucket",
        &["BucketName", "DataRedundancy", "LocationName"],
    ),
    (
        "AWS::RDS::DBInstance",
        &[
            "DBInstanceIdentifier",
            "DBName",
            "StorageEncrypted",
            "KmsKeyId",
            "CharacterSetName",
            "DBClusterIdentifier",
            "SourceDBInstanceIdentifier",
            "DBSnapshotIdentifier",
        ],
    ),
    (
        "AWS::RDS::DBCluster",
        &[
            "DBClusterIdentifier",
            "DatabaseName",
            "Engine",
            "EngineMode",
            "StorageEncrypted",
            "KmsKeyId",
            "MasterUsername",
            "SnapshotIdentifier",
            "SourceDBClusterIdentifier",
        ],
    ),
    (
        "AWS::DocDB::DBCluster",
        &[
            "DBClusterIdentifier",
            "StorageEncrypted",
            "KmsKeyId",
            "MasterUsername",
            "SnapshotIdentifier",
        ],
    ),
    (
        "AWS::Neptune::DBCluster",
        &[
            "DBClusterIdentifier",
            "StorageEncrypted",
            "KmsKeyId",
            "SnapshotIdentifier",
        ],
    ),
    (
        "AWS::Redshift::Cluster",
        &["ClusterIdentifier", "DBName", "MasterUsername"],
    ),
    (
        "AWS::KMS::Key",
        &["KeySpec", "KeyUsage", "MultiRegion", "Origin"],
    ),
    ("AWS::Logs::LogGroup", &["LogGroupName", "LogGroupClass"]),
    (
        "AWS::Cognito::UserPool",
        &["AliasAttributes", "UsernameAttributes"],
    ),
    (
        "AWS::EFS::FileSystem",
        &[
            "Encrypted",
            "KmsKeyId",
            "PerformanceMode",
            "AvailabilityZoneName",
        ],
    ),
    (
        "AWS::FSx::FileSystem",
        &["FileSystemType", "KmsKeyId", "SubnetIds"],
    ),
    (
        "AWS::EC2::Volume",
        &["AvailabilityZone", "Encrypted", "KmsKeyId", "SnapshotId"],
    ),
    ("AWS::SQS::Queue", &["QueueName", "FifoQueue"]),
    ("AWS::Kinesis::Stream", &["Name"]),
    ("AWS::SecretsManager::Secret", &["Name"]),
    ("AWS::ECR::Repository", &["RepositoryName"]),
    ("AWS::Elasticsearch::Domain", &["DomainName"]),
    ("AWS::OpenSearchService::Domain", &["DomainName"]),
    (
        "AWS::ElastiCache::ReplicationGroup",
        &["ReplicationGroupId"],
    ),
    (
        "AWS::Backup::BackupVault",
        &["BackupVaultName", "EncryptionKeyArn"],
    ),
    ("AWS::Timestream::Database", &["DatabaseName"]),
    ("AWS::Timestream::Table", &["DatabaseName", "TableName"]),
    ("AWS::QLDB::Ledger", &["Name"]),
];

fn policy_keeps(resource: &Value, attribute: &str) -> bool {
    matches!(
        resource.get(attribute).and_then(Value::as_str),
        Some("Retain" | "RetainExceptOnCreate" | "Snapshot")
    )
}

pub(crate) fn diff(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let Some(olds) = old.get("Resources").and_then(Value::as_object) else {
        return;
    };
    let news = new.get("Resources").and_then(Value::as_object);
    for (id, o) in olds {
        let Some(ty) = o.get("Type").and_then(Value::as_str) else {
            continue;
        };
        let Some((_, replacing)) = STATEFUL_TYPES.iter().find(|(t, _)| *t == ty) else {
            continue;
        };
        let pointer = format!("/Resources/{}", crate::pointer::escape(id));
        match news.and_then(|n| n.get(id)) {
            None => {
                let kept = policy_keeps(o, "DeletionPolicy");
                let policy = o
                    .get("DeletionPolicy")
                    .map(render)
                    .unwrap_or_else(|| "Delete".into());
                out.push(Change {
                    category: Category::StatefulResource,
                    change: ChangeKind::Removed,
                    resource: id.clone(),
                    broadening: !kept,
                    reason: Some(if kept {
                        format!("removes {ty} {id}; DeletionPolicy {policy} keeps its data")
                    } else {
                        format!("deletes {ty} {id} and its data (DeletionPolicy {policy})")
                    }),
                    old: Some(json!({"type": ty, "deletion_policy": policy})),
                    new: None,
                    old_pointer: Some(pointer),
                    new_pointer: None,
                    cdk: false,
                    detail: Detail::Other,
                });
            }
            Some(n) => {
                let new_ty = n.get("Type").and_then(Value::as_str).unwrap_or("");
                let mut changed: Vec<Value> = Vec::new();
                if new_ty != ty {
                    changed.push(json!({"property": "Type", "old": ty, "new": new_ty}));
                } else {
                    for prop in *replacing {
                        let a = o.get("Properties").and_then(|p| p.get(*prop));
                        let b = n.get("Properties").and_then(|p| p.get(*prop));
                        let same = match (a, b) {
                            (Some(a), Some(b)) => canonical_json(a) == canonical_json(b),
                            (None, None) => true,
                            _ => false,
                        };
                        if !same {
                            changed.push(json!({"property": prop, "old": a, "new": b}));
                        }
                    }
                }
                if changed.is_empty() {
                    continue;
                }
                let kept = policy_keeps(n, "UpdateReplacePolicy");
                let policy = n
                    .get("UpdateReplacePolicy")
                    .map(render)
                    .unwrap_or_else(|| "Delete".into());
                let names: Vec<&str> = changed
                    .iter()
                    .filter_map(|c| c.get("property").and_then(Value::as_str))
                    .collect();
                out.push(Change {
                    category: Category::StatefulResource,
                    change: ChangeKind::Modified,
                    resource: id.clone(),
                    broadening: !kept,
                    reason: Some(if kept {
                        format!(
                            "replaces {ty} {id} (changed: {}); UpdateReplacePolicy {policy} keeps the old one",
                            names.join(", ")
                        )
                    } else {
                        format!(
                            "replaces {ty} {id} (changed: {}), deleting the old one and its data (UpdateReplacePolicy {policy})",
                            names.join(", ")
                        )
                    }),
                    old: Some(json!({"type": ty})),
                    new: Some(json!({"type": new_ty, "update_replace_policy": policy, "replaced_by": changed})),
                    old_pointer: Some(pointer.clone()),
                    new_pointer: Some(pointer),
                    cdk: false,
                    detail: Detail::Other,
                });
            }
        }
    }
}
