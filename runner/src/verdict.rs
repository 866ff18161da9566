//! Verdicts: what the findings add up to.

use preflight_policy::Severity;
use serde::Serialize;

use crate::config::Enforcement;

/// The outcome of a template or a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing to report.
    Pass,
    /// Findings, none blocking.
    Warn,
    /// At least one blocking finding, a failed `sam validate`, or a load error.
    Fail,
}

impl Verdict {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// Whether a finding blocks: its rule's enforcement is mandatory and its severity reaches
/// the policy's blocking severity. (Suppressions and overrides are applied afterwards.)
pub fn blocks(enforcement: Enforcement, severity: Severity, blocking_severity: Severity) -> bool {
    enforcement != Enforcement::Advisory && severity >= blocking_severity
}

/// A `--override RULE --reason TEXT` given on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    /// The rule id overridden.
    pub rule: String,
    /// Why.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advisory_never_blocks_and_threshold_applies() {
        assert!(!blocks(
            Enforcement::Advisory,
            Severity::Critical,
            Severity::Info
        ));
        assert!(blocks(
            Enforcement::HardMandatory,
            Severity::High,
            Severity::Medium
        ));
        assert!(!blocks(
            Enforcement::HardMandatory,
            Severity::Low,
            Severity::Medium
        ));
        assert!(blocks(
            Enforcement::SoftMandatory,
            Severity::Medium,
            Severity::Medium
        ));
    }
}
