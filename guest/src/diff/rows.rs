//! Table-ready rows for a `cdk diff`-like rendering. The host draws the tables.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::permissions::{Effect, PolicyKind, Targets, render::pretty_json};

use super::statements::EffectiveStatement;
use super::{Change, ChangeKind, Detail};

/// `+` (added) or `-` (removed). A modification is a `-` row and a `+` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Sign {
    /// Added: `+`.
    #[serde(rename = "+")]
    Added,
    /// Removed: `-`.
    #[serde(rename = "-")]
    Removed,
}

impl Sign {
    /// `+` or `-`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sign::Added => "+",
            Sign::Removed => "-",
        }
    }
}

/// A row of the IAM statement table: `± | Resource | Effect | Action | Principal |
/// Condition`, filled as `cdk diff` fills it (an identity policy's principal is the
/// identity, `AWS:${Role}`; a resource or trust policy's `*` or missing resource is the
/// resource it is attached to). Multi-valued cells are joined with newlines; negated
/// fields have their values prefixed with `NOT `.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRow {
    /// `+` or `-`.
    pub sign: Sign,
    /// Resource column.
    pub resource: String,
    /// `Allow`, `Deny`, or empty for a statement that could not be read.
    pub effect: String,
    /// Action column.
    pub action: String,
    /// Principal column.
    pub principal: String,
    /// Condition column: the `Condition` as indented JSON without its outer braces.
    pub condition: String,
    /// Whether the change this row belongs to is broadening.
    pub broadening: bool,
}

/// A row of the managed policy table: `± | Resource | Managed Policy ARN`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagedPolicyRow {
    /// `+` or `-`.
    pub sign: Sign,
    /// The identity (`${MyRole}`).
    pub resource: String,
    /// The policy ARN.
    pub arn: String,
    /// Whether the change is broadening.
    pub broadening: bool,
}

/// A row of the security group table: `± | Group | Dir | Protocol | Peer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityGroupRow {
    /// `+` or `-`.
    pub sign: Sign,
    /// The group (`${Sg.GroupId}`).
    pub group: String,
    /// `In` or `Out`.
    pub dir: String,
    /// `Everything`, `All TCP`, `TCP 443`, `TCP 80-90`, ...
    pub protocol: String,
    /// `Everyone (IPv4)`, a range, a group or a prefix list.
    pub peer: String,
    /// Whether the change is broadening.
    pub broadening: bool,
}

/// A row for any other change: `change | Category | Resource | Description`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherRow {
    /// Added, removed or modified.
    pub change: ChangeKind,
    /// The category, as serialised (`exposure`, `stateful-resource`, ...).
    pub category: String,
    /// Logical id.
    pub resource: String,
    /// What changed, in words.
    pub description: String,
    /// Whether the change is broadening.
    pub broadening: bool,
}

/// All rows of a change set, each table sorted like `cdk diff` sorts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tables {
    /// IAM statement changes.
    pub statements: Vec<StatementRow>,
    /// Managed policy attachment changes.
    pub managed_policies: Vec<ManagedPolicyRow>,
    /// Security group rule changes.
    pub security_groups: Vec<SecurityGroupRow>,
    /// Everything else.
    pub other: Vec<OtherRow>,
}

fn cell(t: &Targets) -> String {
    t.strings()
        .map(|v| {
            if t.not {
                format!("NOT {v}")
            } else {
                v.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn statement_row(e: &EffectiveStatement, sign: Sign, broadening: bool) -> StatementRow {
    let s = &e.statement;
    let default_resource = match s.kind {
        PolicyKind::Identity if s.owner_type == "AWS::SSO::PermissionSet" => {
            Some(format!("${{{}.Arn}}", s.owner))
        }
        PolicyKind::Identity => None,
        PolicyKind::Trust | PolicyKind::Resource => Some(e.scope.clone()),
    };
    let mut resources = s.resources.clone();
    if let Some(default) = default_resource {
        if resources.values.is_empty() {
            resources.values.push(crate::permissions::Element {
                value: default.clone(),
                pointer: String::new(),
                when: Vec::new(),
            });
        }
        for v in &mut resources.values {
            if v.value == "*" {
                v.value = default.clone();
            }
        }
        resources.values.sort_by(|a, b| a.value.cmp(&b.value));
    }
    let principal = if s.kind == PolicyKind::Identity {
        let me = format!("AWS:{}", e.scope);
        if s.principals.is_empty() {
            me
        } else {
            let mut p = s.principals.clone();
            for v in &mut p.values {
                if v.value == "AWS:*" || v.value == "*" {
                    v.value = me.clone();
                }
            }
            cell(&p)
        }
    } else {
        cell(&s.principals)
    };
    if let Some(raw) = &s.raw {
        return StatementRow {
            sign,
            resource: raw.clone(),
            effect: String::new(),
            action: String::new(),
            principal,
            condition: String::new(),
            broadening,
        };
    }
    StatementRow {
        sign,
        resource: cell(&resources),
        effect: match s.effect {
            Effect::Allow => "Allow".into(),
            Effect::Deny => "Deny".into(),
            Effect::Unknown => "Unknown".into(),
        },
        action: cell(&s.actions),
        principal,
        condition: condition_cell(e),
        broadening,
    }
}

fn condition_cell(e: &EffectiveStatement) -> String {
    let s = &e.statement;
    if s.conditions.is_empty() {
        return String::new();
    }
    let mut root = Map::new();
    for c in &s.conditions {
        let values: Vec<Value> = c
            .values
            .iter()
            .map(|v| Value::String(v.value.clone()))
            .collect();
        let value = if values.len() == 1 {
            values.into_iter().next().unwrap_or(Value::Null)
        } else {
            Value::Array(values)
        };
        if c.key.is_empty() {
            root.insert(c.operator.clone(), value);
        } else if let Value::Object(block) = root
            .entry(c.operator.clone())
            .or_insert_with(|| Value::Object(Map::new()))
        {
            block.insert(c.key.clone(), value);
        }
    }
    let text = pretty_json(&Value::Object(root));
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < 2 {
        return text;
    }
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.strip_prefix("  ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn tables(changes: &[Change]) -> Tables {
    let mut t = Tables::default();
    for c in changes {
        match &c.detail {
            Detail::Statement { old, new } => {
                if let Some(n) = new {
                    t.statements
                        .push(statement_row(n, Sign::Added, c.broadening));
                }
                if let Some(o) = old {
                    t.statements
                        .push(statement_row(o, Sign::Removed, c.broadening));
                }
            }
            Detail::Managed { identity, arn } => t.managed_policies.push(ManagedPolicyRow {
                sign: if c.change == ChangeKind::Removed {
                    Sign::Removed
                } else {
                    Sign::Added
                },
                resource: identity.clone(),
                arn: arn.clone(),
                broadening: c.broadening,
            }),
            Detail::Network(rule) => t.security_groups.push(SecurityGroupRow {
                sign: if c.change == ChangeKind::Removed {
                    Sign::Removed
                } else {
                    Sign::Added
                },
                group: rule.group.clone(),
                dir: match rule.direction {
                    crate::permissions::Direction::Ingress => "In".into(),
                    crate::permissions::Direction::Egress => "Out".into(),
                },
                protocol: rule.describe_protocol(),
                peer: rule.describe_peer(),
                broadening: c.broadening,
            }),
            Detail::Other => t.other.push(OtherRow {
                change: c.change,
                category: serde_json::to_value(c.category)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                resource: c.resource.clone(),
                description: c.reason.clone().unwrap_or_default(),
                broadening: c.broadening,
            }),
        }
    }
    // Sorted like `cdk diff`: by the resource column (stable, so `+` rows stay first).
    t.statements.sort_by(|a, b| a.resource.cmp(&b.resource));
    t.managed_policies
        .sort_by(|a, b| a.resource.cmp(&b.resource));
    t.security_groups
        .sort_by(|a, b| (&a.group, &a.dir).cmp(&(&b.group, &b.dir)));
    t.other.sort_by(|a, b| a.resource.cmp(&b.resource));
    t
}
