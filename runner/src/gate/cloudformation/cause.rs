//! The root cause of a failed deploy: the first resources that failed, with
//! CloudFormation's reason, following nested stacks down to the resource that started
//! it, and a remediation for the common causes.

use serde::Serialize;

use super::client::{StackError, StackEvent, Stacks};

/// How deep nested stacks are followed.
const MAX_DEPTH: usize = 5;

/// Failures reported at most per stack.
const MAX_FAILURES: usize = 5;

/// A kind of failure with a known way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Cause {
    /// The deploying identity lacks a permission.
    Permissions,
    /// A resource with the same name exists outside the stack.
    AlreadyExists,
    /// A service quota or limit was reached.
    Limit,
    /// A property value was refused.
    InvalidProperty,
    /// Anything else.
    Other,
}

impl Cause {
    /// Classifies CloudFormation's `ResourceStatusReason`. The reason is free text
    /// written by each resource provider, so this reads the phrases they use.
    pub fn of(reason: &str) -> Cause {
        let r = reason.to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| r.contains(n));
        if has(&[
            "not authorized",
            "accessdenied",
            "access denied",
            "unauthorizedoperation",
            "requires capabilities",
            "is not authorized to perform",
        ]) {
            Cause::Permissions
        } else if has(&["already exists", "alreadyexists", "already in use"]) {
            Cause::AlreadyExists
        } else if has(&[
            "limitexceeded",
            "limit exceeded",
            "quota",
            "maximum number",
            "too many",
        ]) {
            Cause::Limit
        } else if has(&[
            "property validation failure",
            "properties validation failed",
            "model validation failed",
            "encountered unsupported property",
            "invalid",
            "validation error",
            "must be",
            "malformed",
        ]) {
            Cause::InvalidProperty
        } else {
            Cause::Other
        }
    }

    /// What to do about it; `None` for [`Cause::Other`].
    pub fn remediation(self) -> Option<&'static str> {
        Some(match self {
            Cause::Permissions => {
                "the identity that deploys lacks a permission: grant the action named in the reason to the \
                 deploy role (or pass the capability CloudFormation asks for), then deploy again"
            }
            Cause::AlreadyExists => {
                "a resource with that name exists outside this stack: drop the explicit name so CloudFormation \
                 generates one, or delete or import the existing resource, then deploy again"
            }
            Cause::Limit => {
                "an account or service limit was reached: remove unused resources or request a higher quota \
                 (Service Quotas console), then deploy again"
            }
            Cause::InvalidProperty => {
                "CloudFormation refused a property value: fix it in the template (`preflight check` runs the \
                 schema policy on every property), then deploy again"
            }
            Cause::Other => return None,
        })
    }
}

/// One failed resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedResource {
    /// The nested stacks leading to it, outermost first (empty in the root stack).
    pub stack_path: Vec<String>,
    /// Logical id.
    pub logical_id: String,
    /// Type.
    pub resource_type: String,
    /// The failed status (`CREATE_FAILED`, ...).
    pub status: String,
    /// CloudFormation's reason.
    pub reason: Option<String>,
    /// The kind of failure.
    pub cause: Cause,
}

/// Why the deploy failed, as far as CloudFormation's events tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RootCause {
    /// The first resources that failed (cancellations caused by them left out).
    pub failures: Vec<FailedResource>,
    /// A nested stack whose events could not be read, and why.
    pub unreadable: Vec<String>,
}

/// A failed resource in one line, as the reasons name it: `Parent > Id (Type)
/// STATUS: reason`.
pub fn failure_line(
    stack_path: &[String],
    logical_id: &str,
    resource_type: &str,
    status: &str,
    reason: Option<&str>,
) -> String {
    let path: String = stack_path.iter().map(|s| format!("{s} > ")).collect();
    let reason = reason.map(|r| format!(": {r}")).unwrap_or_default();
    format!("{path}{logical_id} ({resource_type}) {status}{reason}")
}

/// Whether CloudFormation marked a resource failed only because another one failed.
fn consequence(reason: Option<&str>) -> bool {
    reason.is_some_and(|r| {
        let r = r.to_ascii_lowercase();
        r.contains("resource creation cancelled")
            || r.contains("resource update cancelled")
            || r.contains("resource deletion cancelled")
    })
}

/// The first failures among `events` (the deploy's events, newest first), in the
/// order they happened; a failed nested stack is followed into its own events.
pub async fn root_cause(stacks: &Stacks, events: &[StackEvent]) -> RootCause {
    let mut cause = RootCause::default();
    collect(stacks, events, Vec::new(), &mut cause).await;
    cause
}

async fn collect(stacks: &Stacks, events: &[StackEvent], path: Vec<String>, cause: &mut RootCause) {
    let failed: Vec<&StackEvent> = events
        .iter()
        .rev()
        .filter(|e| !e.logical_id.is_empty() && e.status.ends_with("_FAILED"))
        .collect();
    // Cancellations only when nothing else failed: then they are all there is to say.
    let first: Vec<&StackEvent> = match failed.iter().any(|e| !consequence(e.reason.as_deref())) {
        true => failed
            .into_iter()
            .filter(|e| !consequence(e.reason.as_deref()))
            .collect(),
        false => failed,
    };
    for e in first.into_iter().take(MAX_FAILURES) {
        if e.resource_type == "AWS::CloudFormation::Stack"
            && path.len() < MAX_DEPTH
            && let Some(nested) = e.physical_id.as_deref().filter(|p| !p.is_empty())
        {
            let since = events.last().and_then(|first| first.timestamp);
            let mut inner = path.clone();
            inner.push(e.logical_id.clone());
            match stacks.events(nested, since).await {
                Ok(nested_events)
                    if nested_events
                        .iter()
                        .any(|n| !n.logical_id.is_empty() && n.status.ends_with("_FAILED")) =>
                {
                    Box::pin(collect(stacks, &nested_events, inner, cause)).await;
                    continue;
                }
                Ok(_) => {}
                Err(err) => cause.unreadable.push(unreadable(&e.logical_id, &err)),
            }
        }
        cause.failures.push(FailedResource {
            stack_path: path.clone(),
            logical_id: e.logical_id.clone(),
            resource_type: e.resource_type.clone(),
            status: e.status.clone(),
            reason: e.reason.clone(),
            cause: e.reason.as_deref().map(Cause::of).unwrap_or(Cause::Other),
        });
    }
}

fn unreadable(logical_id: &str, err: &StackError) -> String {
    format!("the events of nested stack {logical_id} could not be read: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_reasons_are_classified() {
        assert_eq!(
            Cause::of("User: arn:aws:iam::1:user/x is not authorized to perform: iam:CreateRole"),
            Cause::Permissions
        );
        assert_eq!(
            Cause::of("my-bucket already exists in stack arn:aws:cloudformation:..."),
            Cause::AlreadyExists
        );
        assert_eq!(
            Cause::of("LimitExceeded: Cannot exceed quota for PoliciesPerRole: 10"),
            Cause::Limit
        );
        assert_eq!(
            Cause::of(
                "Properties validation failed for resource Table with message: #/BillingMode: failed validation constraint for keyword [enum]"
            ),
            Cause::InvalidProperty
        );
        assert_eq!(Cause::of("Internal Failure"), Cause::Other);
        assert!(Cause::Other.remediation().is_none());
        assert!(Cause::Limit.remediation().unwrap().contains("quota"));
    }

    #[test]
    fn a_failure_line_names_the_nested_stacks_leading_to_it() {
        assert_eq!(
            failure_line(
                &["Api".into(), "Db".into()],
                "Table",
                "AWS::DynamoDB::Table",
                "CREATE_FAILED",
                Some("limit")
            ),
            "Api > Db > Table (AWS::DynamoDB::Table) CREATE_FAILED: limit"
        );
        assert_eq!(
            failure_line(&[], "Q", "AWS::SQS::Queue", "UPDATE_FAILED", None),
            "Q (AWS::SQS::Queue) UPDATE_FAILED"
        );
    }

    #[test]
    fn cancellations_are_consequences() {
        assert!(consequence(Some("Resource creation cancelled")));
        assert!(!consequence(Some("Bucket already exists")));
        assert!(!consequence(None));
    }
}
