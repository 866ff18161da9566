//! The security diff as the gate sees it: what changed against the baseline, whether it
//! broadens permissions or exposure, the digest an approval is tied to, and tables to
//! show a reviewer.
//!
//! The comparison itself belongs to the policy SDK (`preflight_policy::diff`); this
//! module only adapts its result behind [`SecurityDiff`], so the gate never depends on
//! how the changes are computed.

use serde::Serialize;
use serde_json::Value;

/// Computes the security changes between two templates (canonical JSON).
pub trait SecurityDiff: Send + Sync {
    /// The changes from `old` (the baseline) to `new` (the template to deploy).
    fn diff(&self, old: &Value, new: &Value) -> SecurityChanges;
}

/// The security changes between the baseline and the template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityChanges {
    /// Whether any change broadens permissions or exposure.
    pub broadening: bool,
    /// The digest of the normalised change set: what `--approve` must name.
    pub digest: String,
    /// How many changes there are.
    pub count: usize,
    /// How many of them are broadening.
    pub broadening_count: usize,
    /// The changes, as the diff serialises them.
    pub changes: Vec<Value>,
    /// The same changes as tables, for people.
    pub tables: Vec<Table>,
}

impl SecurityChanges {
    /// Whether nothing security-relevant changed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A table of changes (IAM statements, managed policies, security group rules, other).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// What the table lists.
    pub title: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// One row of a [`Table`]. Cells may hold several lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// One cell per column.
    pub cells: Vec<String>,
    /// Whether the change this row belongs to is broadening.
    pub broadening: bool,
}

/// The policy SDK's security diff (`preflight_policy::diff`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SdkDiff;

impl SecurityDiff for SdkDiff {
    fn diff(&self, old: &Value, new: &Value) -> SecurityChanges {
        sdk::diff(old, new)
    }
}

mod sdk {
    use super::{Row, SecurityChanges, Table};
    use preflight_policy::diff;
    use serde_json::Value;

    pub(super) fn diff(old: &Value, new: &Value) -> SecurityChanges {
        let set = diff::diff(old, new);
        let t = set.tables();
        let mut tables = Vec::new();
        if !t.statements.is_empty() {
            tables.push(Table {
                title: "IAM statement changes".into(),
                columns: cols(&["", "Resource", "Effect", "Action", "Principal", "Condition"]),
                rows: t
                    .statements
                    .iter()
                    .map(|r| Row {
                        cells: vec![
                            r.sign.as_str().into(),
                            r.resource.clone(),
                            r.effect.clone(),
                            r.action.clone(),
                            r.principal.clone(),
                            r.condition.clone(),
                        ],
                        broadening: r.broadening,
                    })
                    .collect(),
            });
        }
        if !t.managed_policies.is_empty() {
            tables.push(Table {
                title: "IAM policy changes".into(),
                columns: cols(&["", "Resource", "Managed Policy ARN"]),
                rows: t
                    .managed_policies
                    .iter()
                    .map(|r| Row {
                        cells: vec![r.sign.as_str().into(), r.resource.clone(), r.arn.clone()],
                        broadening: r.broadening,
                    })
                    .collect(),
            });
        }
        if !t.security_groups.is_empty() {
            tables.push(Table {
                title: "Security group changes".into(),
                columns: cols(&["", "Group", "Dir", "Protocol", "Peer"]),
                rows: t
                    .security_groups
                    .iter()
                    .map(|r| Row {
                        cells: vec![
                            r.sign.as_str().into(),
                            r.group.clone(),
                            r.dir.clone(),
                            r.protocol.clone(),
                            r.peer.clone(),
                        ],
                        broadening: r.broadening,
                    })
                    .collect(),
            });
        }
        if !t.other.is_empty() {
            tables.push(Table {
                title: "Other security changes".into(),
                columns: cols(&["Change", "Category", "Resource", "Description"]),
                rows: t
                    .other
                    .iter()
                    .map(|r| Row {
                        cells: vec![
                            serde_json::to_value(r.change)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default(),
                            r.category.clone(),
                            r.resource.clone(),
                            r.description.clone(),
                        ],
                        broadening: r.broadening,
                    })
                    .collect(),
            });
        }
        let changes: Vec<Value> = set
            .changes
            .iter()
            .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
            .collect();
        SecurityChanges {
            broadening: set.broadening,
            digest: set.digest.clone(),
            count: set.changes.len(),
            broadening_count: set.broadening_changes().count(),
            changes,
            tables,
        }
    }

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }
}
