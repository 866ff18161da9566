//! `--override RULE --reason TEXT`: a recorded decision to accept a soft-mandatory
//! rule's findings. It cannot lift hard-mandatory ones.

use serde::Serialize;

use crate::finding::{Enforcement, Finding, Suppressed, SuppressedBy};

/// A `--override RULE --reason TEXT` given on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    /// The rule id overridden.
    pub rule: String,
    /// Why.
    pub reason: String,
}

/// Lifts the blocking soft-mandatory findings of each overridden rule.
pub fn apply(overrides: &[Override], findings: &mut [Finding]) {
    for finding in findings.iter_mut() {
        let Some(o) = overrides.iter().find(|o| o.rule == finding.rule) else {
            continue;
        };
        if finding.blocking && finding.enforcement == Enforcement::SoftMandatory {
            finding.blocking = false;
            finding.suppressed = Some(Suppressed {
                by: SuppressedBy::Override,
                reason: o.reason.clone(),
            });
        }
    }
}
