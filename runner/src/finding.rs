//! Findings as the host reports them: located in the source, attributed to a policy,
//! with their enforcement decided.

use preflight_policy::{Severity, Status};
use serde::Serialize;

/// The rule id of findings that report a policy failure rather than a template problem.
pub const POLICY_ERROR: &str = "policy-error";
/// The rule id of a failed `sam validate`.
pub const SAM_VALIDATE: &str = "sam-validate";

/// One finding, located and judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id (`TPL001`, `guard-file/RULE`, `policy-error`, ...).
    pub rule: String,
    /// The policy that reported it.
    pub policy: String,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Logical id of the resource concerned.
    pub resource: Option<String>,
    /// JSON pointer into the canonical template.
    pub pointer: String,
    /// The template file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column just past the end.
    pub end_column: usize,
    /// Whether this finding stops the gate.
    pub blocking: bool,
    /// How it is enforced (`advisory`, `soft-mandatory`, `hard-mandatory`).
    pub enforcement: String,
    /// Set when a suppression or override silenced it: why, and by what.
    pub suppressed: Option<Suppressed>,
    /// Byte range in the source, for rendering (not serialised).
    #[serde(skip)]
    pub bytes: (usize, usize),
}

/// Why a finding no longer blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// `template` (Metadata suppression), `override` (command line), or a peer tool.
    pub by: String,
    /// The reason given.
    pub reason: String,
}

/// The status of one rule on one template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// Rule id.
    pub rule: String,
    /// Policy id.
    pub policy: String,
    /// pass, fail or skip.
    pub status: Status,
}
