//! Verification after the deploy command: its exit status, failure markers in its
//! output, and, when a stack name is known and the `aws` CLI is on `PATH`, the stack's
//! status and the resources created, updated and deleted since the deploy started
//! (through [`super::aws`]).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::Serialize;

use super::aws::{Aws, AwsError, StackEvent, StackResource};
use super::command::{CommandReport, Interrupts};
use super::markers::MarkerHit;

/// Events this much older than the deploy's start still count (clock skew).
const CLOCK_SKEW: Duration = Duration::from_secs(1);

/// Passed, failed, or cut short by a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyStatus {
    /// Everything checked is fine.
    Passed,
    /// Something is not.
    Failed,
}

/// The verification, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Passed or failed.
    pub status: VerifyStatus,
    /// The command's exit code.
    pub exit_code: Option<i32>,
    /// Failure markers in the output.
    pub markers: Vec<MarkerHit>,
    /// The stack check.
    pub stack: StackCheck,
    /// Resources created, updated, deleted and failed since the deploy started.
    pub resources: Option<ResourceChanges>,
    /// Every reason verification failed, in words.
    pub failures: Vec<String>,
    /// How long verification took (including the snapshot before the command).
    pub duration_ms: u64,
}

/// The stack as `aws cloudformation` describes it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StackCheck {
    /// The stack name, when known.
    pub name: Option<String>,
    /// Whether the stack was queried.
    pub checked: bool,
    /// Why it was not.
    pub skipped: Option<String>,
    /// Its status (`CREATE_COMPLETE`, ...).
    pub status: Option<String>,
    /// CloudFormation's reason for the status.
    pub status_reason: Option<String>,
    /// Whether the status is a successful one.
    pub ok: Option<bool>,
    /// Why the query failed.
    pub error: Option<String>,
    /// Stack outputs (key → value).
    pub outputs: BTreeMap<String, String>,
}

/// What changed in the stack.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResourceChanges {
    /// Where the changes were read from.
    pub source: ChangeSource,
    /// Resources created.
    pub created: Vec<ResourceChange>,
    /// Resources updated (or replaced).
    pub updated: Vec<ResourceChange>,
    /// Resources deleted.
    pub deleted: Vec<ResourceChange>,
    /// Resources whose operation failed, with CloudFormation's reason.
    pub failed: Vec<ResourceChange>,
}

/// Where resource changes were read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ChangeSource {
    /// The stack's events since the deploy started.
    #[default]
    Events,
    /// The stack's resources before and after (when the events name no resources).
    Resources,
}

/// One resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    /// Logical id.
    pub logical_id: String,
    /// Resource type.
    pub resource_type: String,
    /// Physical id, when known.
    pub physical_id: Option<String>,
    /// Last status seen.
    pub status: String,
    /// CloudFormation's reason, when given.
    pub reason: Option<String>,
}

/// Whether a stack status is a successful end state.
pub fn status_ok(status: &str) -> bool {
    matches!(
        status,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"
    )
}

/// Whether CloudFormation is still working on the stack.
pub fn status_in_progress(status: &str) -> bool {
    status.ends_with("_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS"
}

/// Works out what changed: from the events since the deploy started (newest first, the
/// stack's own events already blanked out), or, when they name no resource, from the
/// resources before and after.
pub fn resource_changes(
    events: &[StackEvent],
    before: Option<&[StackResource]>,
    after: &[StackResource],
) -> ResourceChanges {
    let before_ids: BTreeSet<&str> = before
        .unwrap_or_default()
        .iter()
        .map(|r| r.logical_id.as_str())
        .collect();
    let after_by_id: BTreeMap<&str, &StackResource> =
        after.iter().map(|r| (r.logical_id.as_str(), r)).collect();
    let resource_events: Vec<&StackEvent> =
        events.iter().filter(|e| !e.logical_id.is_empty()).collect();
    let mut changes = ResourceChanges::default();
    let change =
        |id: &str, ty: &str, physical: Option<String>, status: &str, reason: Option<String>| {
            ResourceChange {
                logical_id: id.to_string(),
                resource_type: ty.to_string(),
                physical_id: physical,
                status: status.to_string(),
                reason,
            }
        };
    if !resource_events.is_empty() {
        changes.source = ChangeSource::Events;
        // Oldest first, per logical id.
        let mut by_id: BTreeMap<&str, Vec<&StackEvent>> = BTreeMap::new();
        for e in resource_events.iter().rev() {
            by_id.entry(e.logical_id.as_str()).or_default().push(e);
        }
        for (id, evs) in by_id {
            let last = evs[evs.len() - 1];
            let has = |s: &str| evs.iter().any(|e| e.status == s);
            for e in evs.iter().filter(|e| e.status.ends_with("_FAILED")) {
                changes.failed.push(change(
                    id,
                    &e.resource_type,
                    e.physical_id.clone(),
                    &e.status,
                    e.reason.clone(),
                ));
            }
            let exists = after_by_id.contains_key(id);
            let physical = after_by_id
                .get(id)
                .and_then(|r| r.physical_id.clone())
                .or_else(|| last.physical_id.clone());
            let entry = change(id, &last.resource_type, physical, &last.status, None);
            if exists {
                if has("CREATE_COMPLETE") && !before_ids.contains(id) {
                    changes.created.push(entry);
                } else if has("UPDATE_COMPLETE") || has("CREATE_COMPLETE") {
                    changes.updated.push(entry);
                }
            } else if has("DELETE_COMPLETE") && (before_ids.contains(id) || before.is_none()) {
                changes.deleted.push(entry);
            }
        }
    } else {
        changes.source = ChangeSource::Resources;
        let before_by_id: BTreeMap<&str, &StackResource> = before
            .unwrap_or_default()
            .iter()
            .map(|r| (r.logical_id.as_str(), r))
            .collect();
        for r in after {
            let entry = change(
                &r.logical_id,
                &r.resource_type,
                r.physical_id.clone(),
                &r.status,
                None,
            );
            match before_by_id.get(r.logical_id.as_str()) {
                None => changes.created.push(entry),
                Some(old) if old != &r && r.status.starts_with("UPDATE_") => {
                    changes.updated.push(entry)
                }
                Some(_) => {}
            }
            if r.status.ends_with("_FAILED") {
                changes.failed.push(change(
                    &r.logical_id,
                    &r.resource_type,
                    r.physical_id.clone(),
                    &r.status,
                    None,
                ));
            }
        }
        for r in before.unwrap_or_default() {
            if !after_by_id.contains_key(r.logical_id.as_str()) {
                changes.deleted.push(change(
                    &r.logical_id,
                    &r.resource_type,
                    r.physical_id.clone(),
                    "DELETE_COMPLETE",
                    None,
                ));
            }
        }
    }
    changes
}

/// What verification needs besides the command's report.
pub struct VerifyInput<'a> {
    /// The stack, when known.
    pub stack: Option<&'a str>,
    /// The `aws` CLI, when verification with it is on and it is installed.
    pub aws: Option<&'a Aws>,
    /// Why the stack is not checked, when it is not.
    pub skipped: Option<String>,
    /// The stack's resources before the command (`Ok(None)`: no stack yet).
    pub before: Option<Result<Option<Vec<StackResource>>, String>>,
    /// When the command started.
    pub since: jiff::Timestamp,
    /// How long to wait for a stack still in progress.
    pub wait: Duration,
}

/// Verifies the deploy.
pub async fn verify(
    command: &CommandReport,
    input: VerifyInput<'_>,
    interrupts: &mut Interrupts,
) -> VerifyReport {
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    if let Some(error) = &command.start_error {
        failures.push(error.clone());
    }
    if let Some(sig) = &command.interrupted {
        failures.push(format!(
            "interrupted by {sig}: the signal was forwarded to the deploy command"
        ));
    }
    if command.timed_out {
        failures.push("the deploy command timed out and was stopped".to_string());
    }
    if command.started && command.interrupted.is_none() && !command.timed_out {
        match (command.exit_code, &command.signal) {
            (Some(0), _) => {}
            (Some(code), _) => {
                failures.push(format!("the deploy command exited with status {code}"))
            }
            (None, Some(sig)) => failures.push(format!("the deploy command was killed by {sig}")),
            (None, None) => failures.push("the deploy command's exit status is unknown".into()),
        }
    }
    if !command.markers.is_empty() {
        let first = &command.markers[0];
        failures.push(format!(
            "the output has {} line{} with failure markers (first, line {}: {})",
            command.markers.len(),
            if command.markers.len() == 1 { "" } else { "s" },
            first.line,
            first.text
        ));
    }
    let mut stack = StackCheck {
        name: input.stack.map(str::to_string),
        skipped: input.skipped.clone(),
        ..Default::default()
    };
    let mut resources = None;
    let stop = command.interrupted.is_some() || !command.started;
    if let (Some(name), Some(aws), false) = (input.stack, input.aws, stop) {
        check_stack(
            name,
            aws,
            &input,
            command.succeeded(),
            &mut stack,
            &mut resources,
            &mut failures,
            interrupts,
        )
        .await;
    } else if stop && stack.skipped.is_none() && input.aws.is_some() {
        stack.skipped = Some(if command.started {
            "the deploy was interrupted".into()
        } else {
            "the deploy command did not start".into()
        });
    }
    VerifyReport {
        status: if failures.is_empty() {
            VerifyStatus::Passed
        } else {
            VerifyStatus::Failed
        },
        exit_code: command.exit_code,
        markers: command.markers.clone(),
        stack,
        resources,
        failures,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

#[allow(clippy::too_many_arguments)]
async fn check_stack(
    name: &str,
    aws: &Aws,
    input: &VerifyInput<'_>,
    command_ok: bool,
    stack: &mut StackCheck,
    resources: &mut Option<ResourceChanges>,
    failures: &mut Vec<String>,
    interrupts: &mut Interrupts,
) {
    stack.checked = true;
    let deadline = std::time::Instant::now() + input.wait;
    let (status, reason, outputs) = loop {
        match aws.stack(name, interrupts).await {
            Ok((status, reason, outputs)) => {
                if status_in_progress(&status) && std::time::Instant::now() < deadline {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
                        sig = interrupts.recv() => {
                            failures.push(format!("interrupted by {} while waiting for stack {name}", sig.as_str()));
                            stack.error = Some(format!("interrupted by {}", sig.as_str()));
                            return;
                        }
                    }
                }
                break (status, reason, outputs);
            }
            Err(AwsError::NoStack(_)) => {
                stack.error = Some(format!("stack {name} does not exist"));
                if command_ok {
                    failures.push(format!(
                        "stack {name} does not exist after the deploy (did the command deploy it under another name or region?)"
                    ));
                }
                return;
            }
            Err(e) => {
                stack.error = Some(e.to_string());
                failures.push(format!("cannot check stack {name}: {e}"));
                return;
            }
        }
    };
    let events: Vec<StackEvent> = match aws.events(name, interrupts).await {
        Ok(events) => {
            let since = input.since - CLOCK_SKEW;
            events
                .into_iter()
                .filter(|e| e.timestamp.is_some_and(|t| t >= since))
                .collect()
        }
        Err(e) => {
            failures.push(format!("cannot read the events of stack {name}: {e}"));
            Vec::new()
        }
    };
    let touched = !events.is_empty();
    let ok = status_ok(&status) || (!touched && status == "UPDATE_ROLLBACK_COMPLETE");
    if !ok {
        let in_progress = if status_in_progress(&status) {
            format!(" (still in progress after {:?})", input.wait)
        } else {
            String::new()
        };
        failures.push(format!(
            "stack {name} is {status}{in_progress}{}",
            reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    stack.status = Some(status);
    stack.status_reason = reason;
    stack.ok = Some(ok);
    stack.outputs = outputs;
    let after = match aws.resources(name, interrupts).await {
        Ok(r) => r.unwrap_or_default(),
        Err(e) => {
            failures.push(format!("cannot list the resources of stack {name}: {e}"));
            Vec::new()
        }
    };
    let before = match &input.before {
        Some(Ok(before)) => Some(before.clone().unwrap_or_default()),
        _ => None,
    };
    let changes = resource_changes(&events, before.as_deref(), &after);
    for f in &changes.failed {
        failures.push(format!(
            "{} ({}) {}{}",
            f.logical_id,
            f.resource_type,
            f.status,
            f.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    *resources = Some(changes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::aws::parse_events;
    use serde_json::json;

    #[test]
    fn statuses() {
        assert!(status_ok("UPDATE_COMPLETE"));
        assert!(!status_ok("UPDATE_ROLLBACK_COMPLETE"));
        assert!(!status_ok("ROLLBACK_COMPLETE"));
        assert!(status_in_progress("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"));
        assert!(!status_in_progress("REVIEW_IN_PROGRESS"));
    }

    fn resource(id: &str, status: &str) -> StackResource {
        StackResource {
            logical_id: id.into(),
            resource_type: "AWS::SQS::Queue".into(),
            physical_id: Some(format!("{id}-phys")),
            status: status.into(),
            timestamp: "2010-07-27T22:27:28Z".into(),
        }
    }

    #[test]
    fn changes_from_events() {
        let events = parse_events(
            &json!({"StackEvents": [
                {"Timestamp": "2026-01-01T00:00:09Z", "LogicalResourceId": "demo", "ResourceType": "AWS::CloudFormation::Stack", "ResourceStatus": "UPDATE_COMPLETE"},
                {"Timestamp": "2026-01-01T00:00:08.5+00:00", "LogicalResourceId": "Old", "ResourceType": "AWS::SQS::Queue", "ResourceStatus": "DELETE_COMPLETE", "PhysicalResourceId": "old"},
                {"Timestamp": "2026-01-01T00:00:07Z", "LogicalResourceId": "Role", "ResourceType": "AWS::IAM::Role", "ResourceStatus": "UPDATE_COMPLETE"},
                {"Timestamp": "2026-01-01T00:00:06Z", "LogicalResourceId": "Queue", "ResourceType": "AWS::SQS::Queue", "ResourceStatus": "CREATE_COMPLETE"},
                {"Timestamp": "2026-01-01T00:00:05Z", "LogicalResourceId": "Queue", "ResourceType": "AWS::SQS::Queue", "ResourceStatus": "CREATE_IN_PROGRESS"},
            ]}),
            "demo",
        );
        assert_eq!(events.len(), 5);
        assert!(events[0].logical_id.is_empty());
        assert_eq!(
            events[1].timestamp,
            Some("2026-01-01T00:00:08.5Z".parse().unwrap())
        );
        let before = [
            resource("Role", "CREATE_COMPLETE"),
            resource("Old", "CREATE_COMPLETE"),
        ];
        let after = [
            resource("Role", "UPDATE_COMPLETE"),
            resource("Queue", "CREATE_COMPLETE"),
        ];
        let c = resource_changes(&events, Some(&before), &after);
        assert_eq!(c.source, ChangeSource::Events);
        let ids = |v: &[ResourceChange]| v.iter().map(|r| r.logical_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&c.created), ["Queue"]);
        assert_eq!(ids(&c.updated), ["Role"]);
        assert_eq!(ids(&c.deleted), ["Old"]);
        assert!(c.failed.is_empty());
    }

    #[test]
    fn failed_events_carry_their_reason() {
        let events = parse_events(
            &json!({"StackEvents": [
                {"Timestamp": "2026-01-01T00:00:06Z", "LogicalResourceId": "Bucket", "ResourceType": "AWS::S3::Bucket", "ResourceStatus": "CREATE_FAILED", "ResourceStatusReason": "bucket exists"},
            ]}),
            "demo",
        );
        let c = resource_changes(&events, None, &[]);
        assert_eq!(c.failed.len(), 1);
        assert_eq!(c.failed[0].reason.as_deref(), Some("bucket exists"));
    }

    #[test]
    fn changes_from_resources_when_events_name_none() {
        // moto records only the stack's own events for change-set deploys.
        let before = [
            resource("Role", "CREATE_COMPLETE"),
            resource("Old", "CREATE_COMPLETE"),
        ];
        let after = [
            resource("Role", "UPDATE_COMPLETE"),
            resource("Queue", "UPDATE_COMPLETE"),
        ];
        let c = resource_changes(&[], Some(&before), &after);
        assert_eq!(c.source, ChangeSource::Resources);
        assert_eq!(c.created[0].logical_id, "Queue");
        assert_eq!(c.updated[0].logical_id, "Role");
        assert_eq!(c.deleted[0].logical_id, "Old");
        let first = resource_changes(&[], None, &after);
        assert_eq!(first.created.len(), 2);
    }
}
