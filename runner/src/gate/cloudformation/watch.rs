//! Live progress while the deploy command runs: the stack's events, polled about every
//! two seconds (backing off when CloudFormation throttles), shown as one progress line
//! on a terminal or as event lines otherwise, and kept for the report.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::client::{StackEvent, Stacks};

/// Between polls.
const INTERVAL: Duration = Duration::from_secs(2);

/// The longest wait between polls after throttling.
const MAX_INTERVAL: Duration = Duration::from_secs(30);

/// Events kept for the report at most (the newest are kept).
const MAX_EVENTS: usize = 1000;

/// How progress is shown.
#[derive(Debug, Clone)]
pub enum Display {
    /// A progress line on stderr (a terminal).
    Bar(ProgressBar),
    /// One line per event on stderr.
    Lines,
    /// Nothing (kept for the report only).
    Off,
}

impl Display {
    /// A progress line when stderr is a terminal, else event lines.
    pub fn for_stderr() -> Display {
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} CloudFormation: {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            Display::Bar(bar)
        } else {
            Display::Lines
        }
    }

    /// The bar, when there is one (the command's output is written around it).
    pub fn bar(&self) -> Option<&ProgressBar> {
        match self {
            Display::Bar(bar) => Some(bar),
            _ => None,
        }
    }
}

/// A stack event as the report keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEvent {
    /// When (RFC 3339).
    pub time: Option<String>,
    /// Logical id (empty: the stack itself).
    pub logical_id: String,
    /// Type.
    pub resource_type: String,
    /// Status.
    pub status: String,
    /// CloudFormation's reason.
    pub reason: Option<String>,
}

/// What the watch saw.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    /// Every event since the deploy started, oldest first (the newest
    /// [`MAX_EVENTS`]).
    pub events: Vec<ProgressEvent>,
    /// Resources whose last status is in progress, complete and failed.
    pub in_progress: usize,
    /// See `in_progress`.
    pub complete: usize,
    /// See `in_progress`.
    pub failed: usize,
    /// Polls made.
    pub polls: u32,
    /// Polls CloudFormation throttled.
    pub throttled: u32,
    /// The last error, when the last poll failed (a stack that does not exist yet is
    /// not an error).
    pub last_error: Option<String>,
    /// The raw events, newest first, for verification.
    #[serde(skip)]
    pub raw: Vec<StackEvent>,
    /// The ids of every event seen, and of those before the deploy: each is taken once.
    #[serde(skip)]
    pub seen: HashSet<String>,
}

impl Progress {
    fn add(&mut self, fresh: Vec<StackEvent>, display: &Display) {
        for e in fresh.iter().rev() {
            let event = ProgressEvent {
                time: e.timestamp.map(|t| t.to_string()),
                logical_id: e.logical_id.clone(),
                resource_type: e.resource_type.clone(),
                status: e.status.clone(),
                reason: e.reason.clone(),
            };
            if let Display::Lines = display {
                eprintln!("{}", line(&event));
            } else if let Display::Bar(bar) = display
                && e.status.ends_with("_FAILED")
            {
                bar.println(line(&event));
            }
            self.events.push(event);
        }
        if self.events.len() > MAX_EVENTS {
            let drop = self.events.len() - MAX_EVENTS;
            self.events.drain(..drop);
        }
        let mut raw = fresh;
        raw.append(&mut self.raw);
        self.raw = raw;
        let mut last: BTreeMap<&str, &str> = BTreeMap::new();
        for e in self.raw.iter().rev().filter(|e| !e.logical_id.is_empty()) {
            last.insert(&e.logical_id, &e.status);
        }
        self.in_progress = last
            .values()
            .filter(|s| s.ends_with("_IN_PROGRESS"))
            .count();
        self.failed = last.values().filter(|s| s.ends_with("_FAILED")).count();
        self.complete = last.values().filter(|s| s.ends_with("_COMPLETE")).count();
        if let Display::Bar(bar) = display {
            let latest = self
                .events
                .last()
                .map(|e| {
                    let who = if e.logical_id.is_empty() {
                        "stack"
                    } else {
                        &e.logical_id
                    };
                    format!(" · {who} {}", e.status)
                })
                .unwrap_or_default();
            bar.set_message(format!(
                "{} in progress, {} complete, {} failed{latest}",
                self.in_progress, self.complete, self.failed
            ));
        }
    }
}

/// One event line, as shown when stderr is not a terminal.
pub fn line(e: &ProgressEvent) -> String {
    let time = e
        .time
        .as_deref()
        .and_then(|t| t.get(11..19))
        .unwrap_or("--:--:--");
    let who = if e.logical_id.is_empty() {
        "(stack)"
    } else {
        &e.logical_id
    };
    format!(
        "cloudformation {time} {who} {} {}{}",
        e.resource_type,
        e.status,
        e.reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default()
    )
}

/// Polls `stack`'s events from `since` until `done` resolves, then once more. Events
/// whose id is in `before` happened before the deploy and are not this deploy's.
pub async fn watch(
    stacks: &Stacks,
    stack: &str,
    since: jiff::Timestamp,
    before: HashSet<String>,
    display: &Display,
    done: impl std::future::Future<Output = ()>,
) -> Progress {
    let mut progress = Progress {
        seen: before,
        ..Default::default()
    };
    let mut interval = INTERVAL;
    tokio::pin!(done);
    if let Display::Bar(bar) = display {
        bar.set_message("waiting for the stack's first event");
    }
    loop {
        let finished = tokio::select! {
            _ = &mut done => true,
            _ = tokio::time::sleep(interval) => false,
        };
        poll(stacks, stack, since, display, &mut progress, &mut interval).await;
        if finished {
            break;
        }
    }
    if let Display::Bar(bar) = display {
        bar.finish_and_clear();
    }
    progress
}

/// Reads the events once more (after the command, or while verification waits).
pub async fn poll(
    stacks: &Stacks,
    stack: &str,
    since: jiff::Timestamp,
    display: &Display,
    progress: &mut Progress,
    interval: &mut Duration,
) {
    progress.polls += 1;
    match stacks.events(stack, Some(since)).await {
        Ok(events) => {
            *interval = INTERVAL;
            progress.last_error = None;
            let fresh: Vec<StackEvent> = events
                .into_iter()
                .filter(|e| e.id.is_empty() || progress.seen.insert(e.id.clone()))
                .collect();
            if !fresh.is_empty() {
                progress.add(fresh, display);
            }
        }
        Err(super::client::StackError::NoStack(_)) => {}
        Err(e) if e.is_throttling() => {
            progress.throttled += 1;
            *interval = (*interval * 2).min(MAX_INTERVAL);
        }
        Err(e) => progress.last_error = Some(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, logical: &str, status: &str) -> StackEvent {
        StackEvent {
            id: id.into(),
            timestamp: Some("2026-01-01T10:00:05Z".parse().unwrap()),
            logical_id: logical.into(),
            physical_id: None,
            resource_type: "AWS::SQS::Queue".into(),
            status: status.into(),
            reason: None,
        }
    }

    #[test]
    fn counts_follow_each_resource_last_status() {
        let mut p = Progress::default();
        p.add(
            vec![
                event("2", "A", "CREATE_IN_PROGRESS"),
                event("1", "B", "CREATE_IN_PROGRESS"),
            ],
            &Display::Off,
        );
        assert_eq!((p.in_progress, p.complete, p.failed), (2, 0, 0));
        p.add(
            vec![
                event("4", "B", "CREATE_FAILED"),
                event("3", "A", "CREATE_COMPLETE"),
            ],
            &Display::Off,
        );
        assert_eq!((p.in_progress, p.complete, p.failed), (0, 1, 1));
        // Oldest first in the report.
        let order: Vec<_> = p.events.iter().map(|e| e.status.as_str()).collect();
        assert_eq!(
            order,
            [
                "CREATE_IN_PROGRESS",
                "CREATE_IN_PROGRESS",
                "CREATE_COMPLETE",
                "CREATE_FAILED"
            ]
        );
        assert_eq!(p.raw[0].id, "4");
    }

    #[test]
    fn an_event_line_names_time_resource_and_status() {
        let mut e = ProgressEvent {
            time: Some("2026-01-01T10:00:05Z".into()),
            logical_id: "Queue".into(),
            resource_type: "AWS::SQS::Queue".into(),
            status: "CREATE_FAILED".into(),
            reason: Some("quota".into()),
        };
        assert_eq!(
            line(&e),
            "cloudformation 10:00:05 Queue AWS::SQS::Queue CREATE_FAILED: quota"
        );
        e.logical_id.clear();
        assert!(line(&e).contains("(stack)"));
    }
}
