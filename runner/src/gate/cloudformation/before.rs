//! The stack before the deploy command starts: whether it exists, its status, and
//! whether a deploy can start from it; the template deployed (the baseline when the
//! gate has none) and its resources (to tell what the deploy changed).

use std::collections::HashSet;

use serde::Serialize;

use super::client::{StackResource, Stacks};
use super::status::{Readiness, readiness, remediation};

/// The stack as it was before the command.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StackBefore {
    /// Whether CloudFormation was asked.
    pub checked: bool,
    /// Why it was not.
    pub skipped: Option<String>,
    /// The region asked.
    pub region: Option<String>,
    /// Whether the stack exists (when it could be told).
    pub exists: Option<bool>,
    /// Its status.
    pub status: Option<String>,
    /// CloudFormation's reason for it.
    pub status_reason: Option<String>,
    /// Whether a deploy can start from it.
    pub readiness: Option<Readiness>,
    /// What to do first, when a deploy cannot start.
    pub remediation: Option<String>,
    /// Why the stack could not be queried.
    pub error: Option<String>,
    /// The deployed template (`GetTemplate`, original stage).
    #[serde(skip)]
    pub template: Option<String>,
    /// Its resources.
    #[serde(skip)]
    pub resources: Option<Vec<StackResource>>,
    /// The ids of its newest events: what happened before this deploy.
    #[serde(skip)]
    pub event_ids: HashSet<String>,
}

impl StackBefore {
    /// Not asked, for `why`.
    pub fn skipped(why: impl Into<String>) -> StackBefore {
        StackBefore {
            skipped: Some(why.into()),
            ..Default::default()
        }
    }

    /// Whether the stack's state stops a deploy from starting.
    pub fn blocks(&self) -> bool {
        self.readiness.is_some_and(|r| r != Readiness::Deployable)
    }
}

/// Asks CloudFormation about `stack`: its status, then (when it exists) its template and
/// resources. A query that fails is recorded, not fatal: verification after the
/// command will fail on it if it persists.
pub async fn inspect(stacks: &Stacks, stack: &str) -> StackBefore {
    let mut before = StackBefore {
        checked: true,
        region: Some(stacks.region().to_string()),
        ..Default::default()
    };
    let description = match stacks.describe(stack).await {
        Ok(d) => d,
        Err(e) => {
            before.error = Some(e.to_string());
            return before;
        }
    };
    let Some(description) = description else {
        before.exists = Some(false);
        return before;
    };
    before.exists = Some(true);
    before.readiness = Some(readiness(&description.status));
    before.remediation = remediation(stack, &description.status);
    before.status = Some(description.status.as_str().to_string());
    before.status_reason = description.reason;
    let (template, resources, events) = tokio::join!(
        stacks.template(stack),
        stacks.resources(stack),
        stacks.latest_events(stack)
    );
    if let Ok(events) = events {
        before.event_ids = events.into_iter().map(|e| e.id).collect();
    }
    match template {
        Ok(t) => before.template = t,
        Err(e) => before.error = Some(format!("cannot read the deployed template: {e}")),
    }
    match resources {
        Ok(r) => before.resources = r,
        Err(e) => {
            before
                .error
                .get_or_insert(format!("cannot list the stack's resources: {e}"));
        }
    }
    before
}
