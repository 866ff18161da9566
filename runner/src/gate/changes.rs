//! The security changes as the gate sees them: the policy SDK's change set
//! (`preflight_policy::diff`, computed by the checker against the baseline) with the
//! counts approval needs. The digest is what `--approve` must name.

use preflight_policy::diff::ChangeSet;
use serde::Serialize;

/// The security changes between the baseline and the template. Serialises as the
/// change set (`broadening`, `cdk_broadening`, `digest`, `changes`) plus `count` and
/// `broadening_count`.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityChanges {
    /// How many changes there are.
    pub count: usize,
    /// How many of them broaden permissions or exposure.
    pub broadening_count: usize,
    /// The change set.
    #[serde(flatten)]
    pub set: ChangeSet,
}

impl SecurityChanges {
    /// Wraps a change set.
    pub fn new(set: ChangeSet) -> SecurityChanges {
        SecurityChanges {
            count: set.changes.len(),
            broadening_count: set.broadening_changes().count(),
            set,
        }
    }

    /// Whether any change broadens permissions or exposure.
    pub fn broadening(&self) -> bool {
        self.set.broadening
    }

    /// The digest of the normalised change set.
    pub fn digest(&self) -> &str {
        &self.set.digest
    }

    /// Whether nothing security-relevant changed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}
