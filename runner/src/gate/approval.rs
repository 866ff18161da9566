//! Approval of security changes: whether the change set needs it
//! (`--require-approval never|broadening|any-change`), and whether it has it: an
//! `--approve DIGEST` naming exactly the current change set, or a yes at the terminal.
//! Without either, the gate blocks.

use std::io;

use serde::Serialize;

use super::audit::{ApprovalMethod, ApprovalRecord, current_user};
use super::changes::SecurityChanges;
use crate::config::ApprovalLevel;

/// Where the approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApprovalStatus {
    /// No baseline, no changes, or none that the level asks approval for.
    NotRequired,
    /// Approved by digest or at the terminal.
    Approved,
    /// Needed, but no terminal to ask and no `--approve`.
    Missing,
    /// `--approve` named another digest (stale or wrong).
    Mismatch,
    /// Declined at the terminal.
    Declined,
}

impl ApprovalStatus {
    /// Whether the deploy may go on.
    pub fn allows(self) -> bool {
        matches!(self, ApprovalStatus::NotRequired | ApprovalStatus::Approved)
    }
}

/// The approval decision, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    /// The level in force.
    pub level: ApprovalLevel,
    /// Whether these changes need approval at that level.
    pub required: bool,
    /// Where it stands.
    pub status: ApprovalStatus,
    /// The digest given with `--approve`, if any.
    pub given_digest: Option<String>,
    /// Who approved, how and why, when approved.
    pub approved: Option<ApprovalRecord>,
    /// One sentence for people.
    pub message: String,
}

/// Asks a person to approve a change set.
pub trait Prompt {
    /// Shows the changes and asks; `Ok(None)` is a no, `Ok(Some(reason))` a yes with an
    /// optional reason (empty when none was given).
    fn ask(&mut self, changes: &SecurityChanges) -> io::Result<Option<String>>;
}

/// What the approval step gets.
pub struct ApprovalRequest<'a> {
    /// `--require-approval` or `[deploy] require-approval`.
    pub level: ApprovalLevel,
    /// The changes against the baseline; `None` without a baseline.
    pub changes: Option<&'a SecurityChanges>,
    /// `--approve DIGEST`.
    pub digest: Option<&'a str>,
    /// `--approve-reason TEXT`.
    pub reason: Option<&'a str>,
}

/// Whether `changes` need approval at `level`.
pub fn required(level: ApprovalLevel, changes: &SecurityChanges) -> bool {
    match level {
        ApprovalLevel::Never => false,
        ApprovalLevel::Broadening => changes.broadening(),
        ApprovalLevel::AnyChange => !changes.is_empty(),
    }
}

/// Normalises a digest for comparison: trimmed, lowercase, without `sha256:`.
pub fn normalise_digest(digest: &str) -> String {
    let d = digest.trim().to_ascii_lowercase();
    d.strip_prefix("sha256:").unwrap_or(&d).to_string()
}

/// Decides. `prompt` is the terminal, when standard input is one.
pub fn decide(request: &ApprovalRequest<'_>, prompt: Option<&mut dyn Prompt>) -> Approval {
    let given_digest = request.digest.map(str::to_string);
    let reason = request
        .reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let mut approval = Approval {
        level: request.level,
        required: false,
        status: ApprovalStatus::NotRequired,
        given_digest: given_digest.clone(),
        approved: None,
        message: String::new(),
    };
    let Some(changes) = request.changes else {
        approval.message =
            "no baseline (first deploy through the gate): nothing to compare or approve".into();
        return approval;
    };
    if !required(request.level, changes) {
        approval.message = match (request.level, changes.is_empty()) {
            (_, true) => "no security changes".into(),
            (ApprovalLevel::Never, _) => {
                "approval is not required (--require-approval never)".into()
            }
            _ => "no broadening changes: approval is not required".into(),
        };
        return approval;
    }
    approval.required = true;
    let n = if changes.broadening() {
        changes.broadening_count
    } else {
        changes.count
    };
    let what = format!(
        "{n} {}security change{}",
        if changes.broadening() {
            "broadening "
        } else {
            ""
        },
        if n == 1 { "" } else { "s" }
    );
    let needs = if n == 1 { "needs" } else { "need" };
    if let Some(given) = &given_digest {
        if normalise_digest(given) == normalise_digest(changes.digest()) {
            approval.status = ApprovalStatus::Approved;
            approval.message = format!("{what} approved by digest");
            approval.approved = Some(ApprovalRecord {
                digest: changes.digest().to_string(),
                method: ApprovalMethod::Digest,
                by: current_user(),
                reason,
            });
        } else {
            approval.status = ApprovalStatus::Mismatch;
            approval.message = format!(
                "--approve {given} does not match the current change set ({}): the changes differ from the ones approved",
                changes.digest()
            );
        }
        return approval;
    }
    match prompt {
        Some(prompt) => match prompt.ask(changes) {
            Ok(Some(answer)) => {
                approval.status = ApprovalStatus::Approved;
                approval.message = format!("{what} approved at the terminal");
                let answer = answer.trim().to_string();
                approval.approved = Some(ApprovalRecord {
                    digest: changes.digest().to_string(),
                    method: ApprovalMethod::Interactive,
                    by: current_user(),
                    reason: if answer.is_empty() {
                        reason
                    } else {
                        Some(answer)
                    },
                });
            }
            Ok(None) => {
                approval.status = ApprovalStatus::Declined;
                approval.message = format!("{what} declined at the terminal");
            }
            Err(e) => {
                approval.status = ApprovalStatus::Missing;
                approval.message = format!("{what} {needs} approval, but asking failed: {e}");
            }
        },
        None => {
            approval.status = ApprovalStatus::Missing;
            approval.message = format!(
                "{what} {needs} approval: there is no terminal to ask, and --approve was not given"
            );
        }
    }
    approval
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(broadening: bool, count: usize) -> SecurityChanges {
        SecurityChanges {
            count,
            broadening_count: usize::from(broadening),
            set: preflight_policy::diff::ChangeSet {
                broadening,
                cdk_broadening: broadening,
                digest: "ab12".into(),
                changes: vec![],
            },
        }
    }

    struct Answer(Option<String>);
    impl Prompt for Answer {
        fn ask(&mut self, _: &SecurityChanges) -> io::Result<Option<String>> {
            Ok(self.0.clone())
        }
    }

    fn request<'a>(
        level: ApprovalLevel,
        changes: Option<&'a SecurityChanges>,
        digest: Option<&'a str>,
    ) -> ApprovalRequest<'a> {
        ApprovalRequest {
            level,
            changes,
            digest,
            reason: Some("reviewed in PR 7"),
        }
    }

    #[test]
    fn levels() {
        let narrow = changes(false, 2);
        let broad = changes(true, 1);
        assert!(!required(ApprovalLevel::Never, &broad));
        assert!(required(ApprovalLevel::Broadening, &broad));
        assert!(!required(ApprovalLevel::Broadening, &narrow));
        assert!(required(ApprovalLevel::AnyChange, &narrow));
        assert!(!required(ApprovalLevel::AnyChange, &changes(false, 0)));
    }

    #[test]
    fn no_baseline_needs_no_approval() {
        let a = decide(&request(ApprovalLevel::AnyChange, None, None), None);
        assert_eq!(a.status, ApprovalStatus::NotRequired);
    }

    #[test]
    fn without_a_terminal_only_the_exact_digest_approves() {
        let broad = changes(true, 1);
        let missing = decide(
            &request(ApprovalLevel::Broadening, Some(&broad), None),
            None,
        );
        assert_eq!(missing.status, ApprovalStatus::Missing);
        assert!(!missing.status.allows());
        let wrong = decide(
            &request(ApprovalLevel::Broadening, Some(&broad), Some("ab13")),
            None,
        );
        assert_eq!(wrong.status, ApprovalStatus::Mismatch);
        let right = decide(
            &request(ApprovalLevel::Broadening, Some(&broad), Some("sha256:AB12")),
            None,
        );
        assert_eq!(right.status, ApprovalStatus::Approved);
        let record = right.approved.unwrap();
        assert_eq!(record.method, ApprovalMethod::Digest);
        assert_eq!(record.reason.as_deref(), Some("reviewed in PR 7"));
    }

    #[test]
    fn a_wrong_digest_blocks_even_at_a_terminal() {
        let broad = changes(true, 1);
        let mut yes = Answer(Some(String::new()));
        let a = decide(
            &request(ApprovalLevel::Broadening, Some(&broad), Some("ffff")),
            Some(&mut yes),
        );
        assert_eq!(a.status, ApprovalStatus::Mismatch);
    }

    #[test]
    fn terminal_answers() {
        let broad = changes(true, 1);
        let mut yes = Answer(Some("looks fine".into()));
        let a = decide(
            &request(ApprovalLevel::Broadening, Some(&broad), None),
            Some(&mut yes),
        );
        assert_eq!(a.status, ApprovalStatus::Approved);
        assert_eq!(a.approved.unwrap().reason.as_deref(), Some("looks fine"));
        let mut no = Answer(None);
        let a = decide(
            &request(ApprovalLevel::Broadening, Some(&broad), None),
            Some(&mut no),
        );
        assert_eq!(a.status, ApprovalStatus::Declined);
    }
}
