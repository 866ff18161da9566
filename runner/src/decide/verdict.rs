//! Verdicts: what the findings add up to, for a template and for a run.

use serde::Serialize;

use crate::evaluate::sam::{SamStatus, SamValidation};
use crate::finding::Finding;

/// The outcome of a template or a whole run.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
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
        self.into()
    }
}

/// A template's verdict: fail on a load error, a failed `sam validate` or a blocking
/// finding; warn on any other unsuppressed finding; else pass.
pub fn template_verdict(
    load_failed: bool,
    sam: Option<&SamValidation>,
    findings: &[Finding],
) -> Verdict {
    let sam_failed = sam.is_some_and(|s| s.status != SamStatus::Passed);
    if load_failed || sam_failed || findings.iter().any(|f| f.blocking) {
        Verdict::Fail
    } else if findings.iter().any(|f| f.suppressed.is_none()) {
        Verdict::Warn
    } else {
        Verdict::Pass
    }
}
