//! Suppressions written in templates.
//!
//! - preflight's own: `Metadata: {preflight: {suppress: [{rule, reason, expires}]}}`, on a
//!   resource (its findings) or at the top of the template (all findings). `rule` is a
//!   rule id or name; `reason` is required; `expires` (`YYYY-MM-DD`) is optional.
//! - cfn_nag's `Metadata: {cfn_nag: {rules_to_suppress: [{id, reason}]}}` and checkov's
//!   `Metadata: {checkov: {skip: [{id, comment}]}}` on resources, through the
//!   equivalent ids each rule declares.
//!
//! A suppressed finding stays in the report, marked with who suppressed it and why, and
//! no longer blocks. A suppression without a reason, or with a malformed expiry date, is
//! itself a blocking finding; an expired one no longer suppresses and is reported; a
//! rule configured as non-suppressible cannot be silenced.

use std::collections::HashMap;

use jiff::civil::Date;
use preflight_policy::{RuleInfo, Severity};
use preflight_template::Template;
use serde_json::Value;

use crate::config::SuppressionConfig;
use crate::finding::{Enforcement, Finding, HostRule, Suppressed, SuppressedBy};
use crate::locate::{host_finding, place};

/// The pseudo-policy host findings about suppressions belong to.
const POLICY: &str = "preflight";

/// Whose metadata a suppression is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    /// `Metadata: {preflight: {suppress: [...]}}`.
    Preflight,
    /// `Metadata: {cfn_nag: {rules_to_suppress: [...]}}`.
    CfnNag,
    /// `Metadata: {checkov: {skip: [...]}}`.
    Checkov,
}

impl Tool {
    /// The peer tool's name in rules' equivalents (`None` for preflight's own).
    fn peer(self) -> Option<&'static str> {
        match self {
            Tool::Preflight => None,
            Tool::CfnNag => Some("cfn_nag"),
            Tool::Checkov => Some("checkov"),
        }
    }

    /// What a finding it silences is suppressed by.
    fn suppressed_by(self) -> SuppressedBy {
        match self {
            Tool::Preflight => SuppressedBy::Template,
            Tool::CfnNag => SuppressedBy::CfnNag,
            Tool::Checkov => SuppressedBy::Checkov,
        }
    }
}

/// One suppression entry found in the template.
#[derive(Debug, Clone)]
struct Entry {
    /// Resource it applies to; `None` for the whole template.
    resource: Option<String>,
    /// The id as written (a preflight rule id or name, or a peer tool's id).
    id: String,
    /// Whose metadata it is written in.
    tool: Tool,
    reason: String,
    pointer: String,
}

/// Applies the template's suppressions to `findings` and appends findings about the
/// suppressions themselves. `rules` maps rule ids to their metadata (for names and
/// equivalents).
pub fn apply(
    template: &Template,
    findings: &mut Vec<Finding>,
    rules: &HashMap<String, RuleInfo>,
    config: &SuppressionConfig,
    today: Date,
) {
    let honour_peers = config.honour_peer_metadata.unwrap_or(true);
    let (entries, mut problems) = collect(template, today);
    let mut used = vec![false; entries.len()];
    for finding in findings.iter_mut() {
        if finding.suppressed.is_some() {
            continue;
        }
        let info = rules.get(&finding.rule);
        for (i, entry) in entries.iter().enumerate() {
            if entry.resource.is_some() && entry.resource != finding.resource {
                continue;
            }
            if entry.tool != Tool::Preflight && !honour_peers {
                continue;
            }
            if !matches(entry, finding, info) {
                continue;
            }
            if config.non_suppressible.iter().any(|r| r == &finding.rule) {
                if !used[i] {
                    problems.push(located(
                        template,
                        &entry.pointer,
                        HostRule::SuppressionNotAllowed,
                        Severity::Info,
                        format!(
                            "rule {} is configured as non-suppressible; this suppression is ignored",
                            finding.rule
                        ),
                        false,
                    ));
                    used[i] = true;
                }
                continue;
            }
            used[i] = true;
            finding.blocking = false;
            finding.suppressed = Some(Suppressed {
                by: entry.tool.suppressed_by(),
                reason: entry.reason.clone(),
            });
            break;
        }
    }
    findings.extend(problems);
}

fn matches(entry: &Entry, finding: &Finding, info: Option<&RuleInfo>) -> bool {
    match entry.tool.peer() {
        None => {
            entry.id == finding.rule
                || info.is_some_and(|i| i.name == entry.id)
                || format!("{}/{}", finding.policy, finding.rule) == entry.id
        }
        Some(tool) => info.is_some_and(|i| {
            i.equivalents.iter().any(|e| {
                e.tool == tool && e.ids.iter().any(|id| id.eq_ignore_ascii_case(&entry.id))
            })
        }),
    }
}

/// Reads every suppression entry; malformed and expired ones become findings instead.
fn collect(template: &Template, today: Date) -> (Vec<Entry>, Vec<Finding>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let root = template.value();
    let mut places: Vec<(Option<String>, String, &Value)> = Vec::new();
    if let Some(meta) = root.get("Metadata") {
        places.push((None, "/Metadata".to_string(), meta));
    }
    if let Some(resources) = root.get("Resources").and_then(Value::as_object) {
        for (id, resource) in resources {
            if let Some(meta) = resource.get("Metadata") {
                places.push((
                    Some(id.clone()),
                    format!(
                        "/Resources/{}/Metadata",
                        preflight_policy::pointer::escape(id)
                    ),
                    meta,
                ));
            }
        }
    }
    for (resource, base, meta) in places {
        let sources: [(Tool, &str, &str, &str); 3] = [
            (Tool::Preflight, "preflight/suppress", "rule", "reason"),
            (Tool::CfnNag, "cfn_nag/rules_to_suppress", "id", "reason"),
            (Tool::Checkov, "checkov/skip", "id", "comment"),
        ];
        for (tool, path, id_key, reason_key) in sources {
            // Peer tools only suppress per resource, as they do themselves.
            if tool != Tool::Preflight && resource.is_none() {
                continue;
            }
            let (outer, inner) = path.split_once('/').unwrap_or((path, ""));
            let Some(list) = meta.get(outer).and_then(|m| m.get(inner)) else {
                continue;
            };
            let list_pointer = format!("{base}/{outer}/{inner}");
            let Some(items) = list.as_array() else {
                problems.push(located(
                    template,
                    &list_pointer,
                    HostRule::SuppressionInvalid,
                    Severity::High,
                    format!("`{path}` must be a list of suppressions"),
                    true,
                ));
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let pointer = format!("{list_pointer}/{i}");
                let id = item
                    .get(id_key)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or("");
                let reason = item
                    .get(reason_key)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or("");
                if id.is_empty() {
                    problems.push(located(
                        template,
                        &pointer,
                        HostRule::SuppressionInvalid,
                        Severity::High,
                        format!("suppression needs `{id_key}`: the rule it silences"),
                        true,
                    ));
                    continue;
                }
                if reason.is_empty() {
                    problems.push(located(
                        template,
                        &pointer,
                        HostRule::SuppressionInvalid,
                        Severity::High,
                        format!(
                            "suppression of {id} needs a `{reason_key}` saying why it is acceptable"
                        ),
                        true,
                    ));
                    continue;
                }
                let expires = match item.get("expires") {
                    None | Some(Value::Null) => None,
                    Some(v) => {
                        match v.as_str().and_then(|s| s.trim().parse::<Date>().ok()) {
                            Some(date) => Some(date),
                            None => {
                                problems.push(located(
                                template,
                                &format!("{pointer}/expires"),
                                HostRule::SuppressionInvalid,
                                Severity::High,
                                format!("suppression of {id}: `expires` must be a date like 2026-12-31"),
                                true,
                            ));
                                continue;
                            }
                        }
                    }
                };
                if let Some(date) = expires
                    && date < today
                {
                    problems.push(located(
                        template,
                        &format!("{pointer}/expires"),
                        HostRule::SuppressionExpired,
                        Severity::Medium,
                        format!(
                            "suppression of {id} expired on {date}; its findings are reported again"
                        ),
                        false,
                    ));
                    continue;
                }
                entries.push(Entry {
                    resource: resource.clone(),
                    id: id.to_string(),
                    tool,
                    reason: reason.to_string(),
                    pointer,
                });
            }
        }
    }
    (entries, problems)
}

fn located(
    template: &Template,
    pointer: &str,
    rule: HostRule,
    severity: Severity,
    message: String,
    blocking: bool,
) -> Finding {
    let mut f = host_finding(template, POLICY, rule, severity, message);
    place(template, &mut f, pointer.to_string(), None);
    f.resource = preflight_template::parse_pointer(pointer)
        .ok()
        .filter(|t| t.len() >= 2 && t[0] == "Resources")
        .map(|t| t[1].clone());
    f.blocking = blocking;
    if !blocking {
        f.enforcement = Enforcement::Advisory;
    }
    f
}

/// Today's date in UTC.
pub fn today() -> Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}
