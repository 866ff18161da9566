//! Verification after the deploy command: its exit status, failure markers in its
//! output, and, when a stack name is known, the stack as CloudFormation reports it
//! (through [`super::cloudformation`]): its status, in plain words when it rolled
//! back, the resources created, updated and deleted since the deploy started, its
//! outputs, and the root cause of a failure.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use serde::Serialize;

use super::cloudformation::cause::{RootCause, failure_line, root_cause};
use super::cloudformation::client::{StackEvent, StackResource, Stacks};
use super::cloudformation::status;
use super::cloudformation::watch::{self, Display, Progress};
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
    /// The stack's events since the deploy started, as watched while it ran.
    pub progress: Option<Progress>,
    /// Why the deploy failed, from the first failed resources (nested stacks
    /// followed), when it failed in CloudFormation.
    pub root_cause: Option<RootCause>,
    /// Every reason verification failed, in words.
    pub failures: Vec<String>,
    /// How long verification took (including the snapshot before the command).
    pub duration_ms: u64,
}

/// The stack as CloudFormation describes it after the command.
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
    /// Whether this deploy changed the stack (any event since it started). A stack
    /// the command never reached still shows the status an earlier deploy left.
    pub touched: bool,
    /// What the status says, in plain words (rollback states).
    pub explanation: Option<String>,
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
    /// The CloudFormation client, when verification is on and a stack is named.
    pub stacks: Option<&'a Stacks>,
    /// Why the stack is not checked, when it is not.
    pub skipped: Option<String>,
    /// The stack's resources before the command (`Ok(None)`: no stack yet).
    pub before: Option<Result<Option<Vec<StackResource>>, String>>,
    /// When the command started.
    pub since: jiff::Timestamp,
    /// How long to wait for a stack still in progress.
    pub wait: Duration,
    /// The events watched while the command ran.
    pub progress: Option<Progress>,
    /// Where further events are shown while verification waits.
    pub display: Display,
    /// The ids of the events before the command (when nothing was watched).
    pub before_events: HashSet<String>,
}

/// Verifies the deploy.
pub async fn verify(
    command: &CommandReport,
    mut input: VerifyInput<'_>,
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
    let mut outcome = StackOutcome::default();
    let stop = command.interrupted.is_some() || !command.started;
    if let (Some(name), Some(stacks), false) = (input.stack, input.stacks, stop) {
        outcome = check_stack(
            name,
            stacks,
            &mut input,
            command.succeeded(),
            &mut stack,
            &mut failures,
            interrupts,
        )
        .await;
    } else if stop && stack.skipped.is_none() && input.stacks.is_some() {
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
        resources: outcome.resources,
        progress: outcome.progress.or(input.progress),
        root_cause: outcome.root_cause,
        failures,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

#[derive(Default)]
struct StackOutcome {
    resources: Option<ResourceChanges>,
    progress: Option<Progress>,
    root_cause: Option<RootCause>,
}

async fn check_stack(
    name: &str,
    stacks: &Stacks,
    input: &mut VerifyInput<'_>,
    command_ok: bool,
    stack: &mut StackCheck,
    failures: &mut Vec<String>,
    interrupts: &mut Interrupts,
) -> StackOutcome {
    stack.checked = true;
    let mut outcome = StackOutcome::default();
    let since = input.since - CLOCK_SKEW;
    let mut progress = match input.progress.take() {
        Some(p) => p,
        None => Progress {
            seen: std::mem::take(&mut input.before_events),
            ..Default::default()
        },
    };
    let mut interval = Duration::from_secs(2);
    let deadline = std::time::Instant::now() + input.wait;
    // `None`: verification ends here (interrupted, no stack, no answer), its failure said.
    let description = loop {
        let described = tokio::select! {
            d = stacks.describe(name) => d,
            sig = interrupts.recv() => {
                failures.push(format!("interrupted by {} while checking stack {name}", sig.as_str()));
                stack.error = Some(format!("interrupted by {}", sig.as_str()));
                break None;
            }
        };
        match described {
            Ok(Some(d)) => {
                if status::in_progress(&d.status) && std::time::Instant::now() < deadline {
                    // Still working: keep showing its events while waiting.
                    tokio::select! {
                        _ = tokio::time::sleep(interval) => {}
                        sig = interrupts.recv() => {
                            failures.push(format!("interrupted by {} while waiting for stack {name}", sig.as_str()));
                            stack.error = Some(format!("interrupted by {}", sig.as_str()));
                            break None;
                        }
                    }
                    watch::poll(
                        stacks,
                        name,
                        since,
                        &input.display,
                        &mut progress,
                        &mut interval,
                    )
                    .await;
                    continue;
                }
                break Some(d);
            }
            Ok(None) => {
                stack.error = Some(format!("stack {name} does not exist"));
                if command_ok {
                    failures.push(format!(
                        "stack {name} does not exist after the deploy (did the command deploy it under another name or region?)"
                    ));
                }
                break None;
            }
            Err(e) => {
                stack.error = Some(e.to_string());
                failures.push(format!(
                    "the deploy is not verified: cannot check stack {name}: {e}"
                ));
                break None;
            }
        }
    };
    let Some(description) = description else {
        outcome.progress = Some(progress);
        return outcome;
    };
    // The last events, after the watch stopped.
    watch::poll(
        stacks,
        name,
        since,
        &Display::Off,
        &mut progress,
        &mut interval,
    )
    .await;
    if let Some(e) = &progress.last_error {
        failures.push(format!("cannot read the events of stack {name}: {e}"));
    }
    let events: Vec<StackEvent> = progress
        .raw
        .iter()
        .filter(|e| e.timestamp.is_none_or(|t| t >= since))
        .cloned()
        .collect();
    let touched = !events.is_empty();
    let text = description.status.as_str().to_string();
    let ok = status::succeeded(&description.status)
        || (!touched
            && description.status
                == aws_sdk_cloudformation::types::StackStatus::UpdateRollbackComplete);
    stack.touched = touched;
    stack.explanation = status::explain(&description.status).map(str::to_string);
    if !ok {
        let in_progress = if status::in_progress(&description.status) {
            format!(" (still in progress after {:?})", input.wait)
        } else {
            String::new()
        };
        failures.push(format!(
            "stack {name} is {text}{in_progress}{}",
            description
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    } else if !touched && !command_ok {
        // The command failed before reaching CloudFormation: the status is an earlier
        // deploy's, not this one's.
        stack.explanation = Some(format!(
            "unchanged by this deploy: {text} is the status an earlier deploy left"
        ));
    }
    stack.status = Some(text);
    stack.status_reason = description.reason;
    stack.ok = Some(ok && (touched || command_ok));
    stack.outputs = description.outputs;
    let after = match stacks.resources(name).await {
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
    let failed_in_cloudformation = !changes.failed.is_empty() || (!ok && touched);
    if failed_in_cloudformation {
        let cause = root_cause(stacks, &events).await;
        failures.extend(cause.failures.iter().map(|f| {
            failure_line(
                &f.stack_path,
                &f.logical_id,
                &f.resource_type,
                &f.status,
                f.reason.as_deref(),
            )
        }));
        if cause.failures.is_empty() {
            failures.extend(changes.failed.iter().map(|f| {
                failure_line(
                    &[],
                    &f.logical_id,
                    &f.resource_type,
                    &f.status,
                    f.reason.as_deref(),
                )
            }));
        }
        outcome.root_cause = Some(cause);
    }
    outcome.resources = Some(changes);
    outcome.progress = Some(progress);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(at: &str, logical: &str, ty: &str, status: &str, reason: Option<&str>) -> StackEvent {
        StackEvent {
            id: format!("{logical}-{status}-{at}"),
            timestamp: Some(at.parse().unwrap()),
            logical_id: logical.into(),
            physical_id: (logical == "Old").then(|| "old".to_string()),
            resource_type: ty.into(),
            status: status.into(),
            reason: reason.map(str::to_string),
        }
    }

    fn resource(id: &str, status: &str) -> StackResource {
        StackResource {
            logical_id: id.into(),
            resource_type: "AWS::SQS::Queue".into(),
            physical_id: Some(format!("{id}-phys")),
            status: status.into(),
            timestamp: Some("2010-07-27T22:27:28Z".parse().unwrap()),
        }
    }

    #[test]
    fn changes_from_events() {
        let events = [
            event(
                "2026-01-01T00:00:09Z",
                "",
                "AWS::CloudFormation::Stack",
                "UPDATE_COMPLETE",
                None,
            ),
            event(
                "2026-01-01T00:00:08.5Z",
                "Old",
                "AWS::SQS::Queue",
                "DELETE_COMPLETE",
                None,
            ),
            event(
                "2026-01-01T00:00:07Z",
                "Role",
                "AWS::IAM::Role",
                "UPDATE_COMPLETE",
                None,
            ),
            event(
                "2026-01-01T00:00:06Z",
                "Queue",
                "AWS::SQS::Queue",
                "CREATE_COMPLETE",
                None,
            ),
            event(
                "2026-01-01T00:00:05Z",
                "Queue",
                "AWS::SQS::Queue",
                "CREATE_IN_PROGRESS",
                None,
            ),
        ];
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
        let events = [event(
            "2026-01-01T00:00:06Z",
            "Bucket",
            "AWS::S3::Bucket",
            "CREATE_FAILED",
            Some("bucket exists"),
        )];
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
