//! What a stack status means for the gate: whether a deploy can start from it, and, in
//! plain words, what a rollback state says about the stack.

use aws_sdk_cloudformation::types::StackStatus;
use serde::Serialize;

/// Whether a deploy can start from a stack's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Readiness {
    /// A deploy can start (a completed create, update, rollback of an update, import, or
    /// a stack that exists only as an unexecuted change set).
    Deployable,
    /// CloudFormation is still working on the stack: a deploy would be refused.
    Busy,
    /// The stack is stuck in a failed state until someone acts.
    Stuck,
    /// The stack can only be deleted (`ROLLBACK_COMPLETE`: its first create failed).
    MustDelete,
}

/// Whether `status` is a successful end state.
pub fn succeeded(status: &StackStatus) -> bool {
    matches!(
        status,
        StackStatus::CreateComplete | StackStatus::UpdateComplete | StackStatus::ImportComplete
    )
}

/// Whether CloudFormation is still working on the stack (`REVIEW_IN_PROGRESS` is a
/// stack waiting for a change set to be executed: nothing is running).
pub fn in_progress(status: &StackStatus) -> bool {
    status.as_str().ends_with("_IN_PROGRESS") && *status != StackStatus::ReviewInProgress
}

/// Whether a deploy can start from `status`.
pub fn readiness(status: &StackStatus) -> Readiness {
    use StackStatus as S;
    match status {
        S::CreateComplete
        | S::UpdateComplete
        | S::UpdateRollbackComplete
        | S::ImportComplete
        | S::ImportRollbackComplete
        | S::ReviewInProgress => Readiness::Deployable,
        S::RollbackComplete => Readiness::MustDelete,
        s if in_progress(s) => Readiness::Busy,
        // Failed states, and statuses this client does not know: a deploy from them is
        // refused or undefined, so the gate does not start one.
        _ => Readiness::Stuck,
    }
}

/// What to do before a deploy can start from `status`, or `None` when it can.
pub fn remediation(stack: &str, status: &StackStatus) -> Option<String> {
    use StackStatus as S;
    let status_text = status.as_str();
    Some(match (readiness(status), status) {
        (Readiness::Deployable, _) => return None,
        (Readiness::Busy, _) => format!(
            "stack {stack} is {status_text}: CloudFormation is still working on it; wait until it settles \
             (`aws cloudformation describe-stacks --stack-name {stack}`) and deploy again"
        ),
        (Readiness::MustDelete, _) => format!(
            "stack {stack} is ROLLBACK_COMPLETE: its first create failed and was rolled back, and a stack in \
             that state can only be deleted; delete it (`aws cloudformation delete-stack --stack-name {stack}`) \
             and deploy again to create it anew"
        ),
        (_, S::UpdateRollbackFailed) => format!(
            "stack {stack} is UPDATE_ROLLBACK_FAILED: an update failed and so did its rollback; continue the \
             rollback (`aws cloudformation continue-update-rollback --stack-name {stack}`, with \
             `--resources-to-skip` for resources that cannot roll back), then deploy again"
        ),
        (_, S::RollbackFailed | S::DeleteFailed | S::ImportRollbackFailed) => format!(
            "stack {stack} is {status_text}: resources are left that CloudFormation could not remove; fix \
             or retain them and delete the stack (`aws cloudformation delete-stack --stack-name {stack} \
             --retain-resources ...`), then deploy again"
        ),
        (_, S::CreateFailed | S::UpdateFailed) => format!(
            "stack {stack} is {status_text} (rollback was disabled): roll it back \
             (`aws cloudformation rollback-stack --stack-name {stack}`) or fix the failed resources, then \
             deploy again"
        ),
        _ => format!(
            "stack {stack} is {status_text}, a status preflight does not know: check it in the CloudFormation \
             console before deploying"
        ),
    })
}

/// What a stack's status after a deploy says, in plain words: what was rolled back,
/// what state the stack is in, and whether the next deploy can proceed. `None` for a
/// successful status.
pub fn explain(status: &StackStatus) -> Option<&'static str> {
    use StackStatus as S;
    Some(match status {
        S::RollbackComplete => {
            "the stack's first create failed and CloudFormation deleted what it had created; the stack is \
             left in ROLLBACK_COMPLETE, which cannot be updated: it must be deleted before the next deploy"
        }
        S::RollbackFailed => {
            "the stack's first create failed and so did the rollback: some resources are left; the stack \
             must be deleted (retaining what cannot be deleted) before the next deploy"
        }
        S::RollbackInProgress => "the create failed and CloudFormation is rolling it back",
        S::UpdateRollbackComplete => {
            "the update failed and was rolled back: the stack runs its previous template again, and the \
             next deploy can proceed"
        }
        S::UpdateRollbackCompleteCleanupInProgress | S::UpdateRollbackInProgress => {
            "the update failed and CloudFormation is rolling it back to the previous template"
        }
        S::UpdateRollbackFailed => {
            "the update failed and so did its rollback: the stack is stuck until the rollback is continued \
             (continue-update-rollback); no deploy can proceed until then"
        }
        S::CreateFailed => {
            "the create failed with rollback disabled: the resources that were created are kept; roll back \
             or fix them before the next deploy"
        }
        S::UpdateFailed => {
            "the update failed with rollback disabled: the stack is partly updated; roll back or fix it \
             before the next deploy"
        }
        S::ImportRollbackComplete => {
            "the import failed and was rolled back: the stack is as before, and the next deploy can proceed"
        }
        S::ImportRollbackFailed => {
            "the import failed and so did its rollback: the stack needs attention"
        }
        S::DeleteFailed => "the stack could not be deleted: some resources are left",
        s if succeeded(s) => return None,
        s if in_progress(s) => "CloudFormation is still working on the stack",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_of_each_kind_of_status() {
        assert_eq!(
            readiness(&StackStatus::UpdateComplete),
            Readiness::Deployable
        );
        assert_eq!(
            readiness(&StackStatus::UpdateRollbackComplete),
            Readiness::Deployable
        );
        assert_eq!(
            readiness(&StackStatus::ReviewInProgress),
            Readiness::Deployable
        );
        assert_eq!(readiness(&StackStatus::UpdateInProgress), Readiness::Busy);
        assert_eq!(
            readiness(&StackStatus::UpdateCompleteCleanupInProgress),
            Readiness::Busy
        );
        assert_eq!(
            readiness(&StackStatus::UpdateRollbackFailed),
            Readiness::Stuck
        );
        assert_eq!(
            readiness(&StackStatus::RollbackComplete),
            Readiness::MustDelete
        );
        assert_eq!(
            readiness(&StackStatus::from("SOMETHING_NEW")),
            Readiness::Stuck
        );
    }

    #[test]
    fn remediation_names_the_way_out() {
        assert!(remediation("s", &StackStatus::CreateComplete).is_none());
        let stuck = remediation("s", &StackStatus::UpdateRollbackFailed).unwrap();
        assert!(
            stuck.contains("continue-update-rollback --stack-name s"),
            "{stuck}"
        );
        let delete = remediation("s", &StackStatus::RollbackComplete).unwrap();
        assert!(delete.contains("delete-stack --stack-name s"), "{delete}");
        let busy = remediation("s", &StackStatus::CreateInProgress).unwrap();
        assert!(busy.contains("still working"), "{busy}");
    }

    #[test]
    fn rollback_states_are_explained() {
        assert!(explain(&StackStatus::UpdateComplete).is_none());
        assert!(
            explain(&StackStatus::UpdateRollbackComplete)
                .unwrap()
                .contains("next deploy can proceed")
        );
        assert!(
            explain(&StackStatus::RollbackComplete)
                .unwrap()
                .contains("must be deleted")
        );
    }
}
