//! Deletion and replacement of resources: every type's replacing properties come from
//! its resource provider schema (`createOnlyProperties`); deleting or replacing a type
//! that holds data loses that data unless its policy keeps it.

use serde_json::{Value, json};

use crate::permissions::{canonical_json, render};

use super::{Category, Change, ChangeKind, Detail};

/// The replacement data generated from the CloudFormation resource provider schemas
/// (`policies/schema/data/generate.py`): one line per type, `[*]TYPE PROPERTY...`, the
/// properties being the schema's `createOnlyProperties` (a change replaces the
/// resource) and `*` marking a type that holds data (cfn-lint's StatefulResources).
const CREATE_ONLY: &str = include_str!("../../data/create_only.txt");

/// Replacing properties and data-holding types the registry schemas do not declare,
/// from the CloudFormation resource reference ("Update requires: Replacement"): a
/// DynamoDB table's `KeySchema` and `LocalSecondaryIndexes` replace the table, SAM's
/// `SimpleTable` is a DynamoDB table, and these types hold data.
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
        "AWS::Redshift::Cluster",
        &["ClusterIdentifier", "DBName", "MasterUsername"],
    ),
    ("AWS::Kinesis::Stream", &["Name"]),
    ("AWS::SecretsManager::Secret", &["Name"]),
    ("AWS::ECR::Repository", &["RepositoryName"]),
    (
        "AWS::Backup::BackupVault",
        &["BackupVaultName", "EncryptionKeyArn"],
    ),
    ("AWS::Timestream::Database", &["DatabaseName"]),
    ("AWS::Timestream::Table", &["DatabaseName", "TableName"]),
    ("AWS::QLDB::Ledger", &["Name"]),
];

/// What the data says of one type: whether it holds data, and the properties whose
/// change replaces it (paths such as `KeySchema` or `Endpoint/Port`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replacement {
    /// Whether the type holds data (deleting or replacing it loses that data).
    pub holds_data: bool,
    /// The properties whose change replaces the resource.
    pub properties: Vec<String>,
}

/// The replacement data of a resource type (empty for types the data does not know).
pub fn replacement(ty: &str) -> Replacement {
    let mut out = Replacement::default();
    let line = CREATE_ONLY
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.split(' ').next().map(|t| t.trim_start_matches('*')) == Some(ty));
    if let Some(line) = line {
        out.holds_data = line.starts_with('*');
        out.properties = line.split(' ').skip(1).map(str::to_string).collect();
    }
    if let Some((_, extra)) = STATEFUL_TYPES.iter().find(|(t, _)| *t == ty) {
        out.holds_data = true;
        for p in *extra {
            if !out.properties.iter().any(|q| q == p) {
                out.properties.push(p.to_string());
            }
        }
    }
    out
}

fn property<'v>(resource: &'v Value, path: &str) -> Option<&'v Value> {
    let mut node = resource.get("Properties")?;
    for part in path.split('/') {
        node = node.get(part)?;
    }
    Some(node)
}

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
        let data = replacement(ty);
        let pointer = format!("/Resources/{}", crate::pointer::escape(id));
        match news.and_then(|n| n.get(id)) {
            None if !data.holds_data => {}
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
                    for prop in &data.properties {
                        let a = property(o, prop);
                        let b = property(n, prop);
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
                if !data.holds_data {
                    out.push(Change {
                        category: Category::Replacement,
                        change: ChangeKind::Modified,
                        resource: id.clone(),
                        broadening: false,
                        reason: Some(format!(
                            "replaces {ty} {id} (changed: {}): CloudFormation creates a new one and deletes the old",
                            names(&changed).join(", ")
                        )),
                        old: Some(json!({"type": ty})),
                        new: Some(json!({"type": new_ty, "replaced_by": changed})),
                        old_pointer: Some(pointer.clone()),
                        new_pointer: Some(pointer),
                        cdk: false,
                        detail: Detail::Other,
                    });
                    continue;
                }
                let kept = policy_keeps(n, "UpdateReplacePolicy");
                let policy = n
                    .get("UpdateReplacePolicy")
                    .map(render)
                    .unwrap_or_else(|| "Delete".into());
                let names = names(&changed);
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

fn names(changed: &[Value]) -> Vec<&str> {
    changed
        .iter()
        .filter_map(|c| c.get("property").and_then(Value::as_str))
        .collect()
}
