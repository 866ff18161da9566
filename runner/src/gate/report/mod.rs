//! The deploy report: what the gate decided and why, the security changes and who
//! approved them, how the command went, what verification found, what was recorded,
//! how long each phase took, and what to do next. Rendered for people ([`human`]) or
//! as versioned JSON (`--format json`, the serialisation of [`DeployReport`]).

pub mod human;
mod next_steps;

use serde::Serialize;

pub use next_steps::next_steps;

use super::approval::Approval;
use super::audit::OverrideRecord;
use super::changes::SecurityChanges;
use super::cloudformation::before::StackBefore;
use super::cloudformation::drift::Drift;
use super::command::CommandReport;
use super::estimate::Estimate;
use super::outcome::Outcome;
use super::smoke::SmokeReport;
use super::verify::VerifyReport;
use crate::decide::Verdict;
use crate::evaluate::sam::SamValidation;
use crate::finding::Enforcement;
use crate::run::{LoadErrorReport, RunReport};

/// The version of the deploy report format.
pub const DEPLOY_REPORT_VERSION: u32 = 1;

/// A phase of the gated deploy, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum PhaseName {
    /// Reading the configuration and loading the policies.
    Load,
    /// Asking CloudFormation about the stack (status, deployed template).
    Stack,
    /// The check: `sam validate` and the policies.
    Check,
    /// Approval of the security changes.
    Approval,
    /// The deploy command.
    Deploy,
    /// Verification after it.
    Verify,
    /// The smoke checks after a verified deploy.
    Smoke,
    /// Recording the baseline and the audit log.
    Record,
}

/// How a phase went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum PhaseStatus {
    /// It went through.
    Passed,
    /// The check found something, nothing blocking.
    Warned,
    /// It stopped the deploy.
    Blocked,
    /// It failed.
    Failed,
    /// Nothing to do.
    Skipped,
    /// It could not be done.
    Error,
}

/// How one policy came out on the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum PolicyStatus {
    /// No unsuppressed findings.
    Pass,
    /// Findings, none blocking.
    Warn,
    /// Blocking findings.
    Fail,
    /// The policy could not load or evaluate.
    Error,
}

/// The whole deploy report.
#[derive(Debug, Clone, Serialize)]
pub struct DeployReport {
    /// Report format version.
    pub version: u32,
    /// Always `deploy`.
    pub kind: &'static str,
    /// deployed, blocked, failed or error.
    pub outcome: Outcome,
    /// The exit status of `preflight deploy`.
    pub exit_code: u8,
    /// The stack, when known.
    pub stack: Option<String>,
    /// The template.
    pub template: String,
    /// The deploy command.
    pub command: String,
    /// Where the command runs and `.preflight/` lives.
    pub project_dir: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time of the whole run.
    pub duration_ms: u64,
    /// Each phase with its status and duration, in order.
    pub phases: Vec<Phase>,
    /// Why the deploy was blocked or failed.
    pub reasons: Vec<String>,
    /// The gate: validation, policies, findings.
    pub gate: GateReport,
    /// Security changes against the baseline, and their approval.
    pub security: SecurityReport,
    /// How long the deploy command was expected to take (from the audit log's earlier
    /// deploys of this stack) and how long it took; absent on a stack's first deploy.
    pub estimate: Option<Estimate>,
    /// The stack before the command, as CloudFormation described it (or why it was
    /// not asked).
    pub stack_before: StackBefore,
    /// The deploy command, once it ran.
    pub deploy: Option<CommandReport>,
    /// Verification, once the command ran.
    pub verify: Option<VerifyReport>,
    /// The smoke checks (`[deploy] smoke`), once a verified deploy ran them.
    pub smoke: Option<SmokeReport>,
    /// The recorded state.
    pub state: StateReport,
    /// Remediation for each failure, or recommended checks after a success.
    pub next_steps: Vec<String>,
}

/// A phase of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    /// Which phase.
    pub name: PhaseName,
    /// How it went.
    pub status: PhaseStatus,
    /// How long it took.
    pub duration_ms: u64,
}

/// The gate's checks.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    /// pass, warn or fail.
    pub verdict: Verdict,
    /// Why the template could not be loaded.
    pub load_error: Option<LoadErrorReport>,
    /// `sam validate`, when it ran.
    pub validation: Option<SamValidation>,
    /// Each policy's outcome.
    pub policies: Vec<PolicyOutcome>,
    /// Overrides that lifted findings, with their reasons.
    pub overrides: Vec<OverrideRecord>,
    /// The full check report (same shape as `preflight check --format json`).
    pub check: RunReport,
}

/// One policy's outcome on the template.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyOutcome {
    /// Policy id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Enforcement.
    pub enforcement: Enforcement,
    /// How it came out.
    pub outcome: PolicyStatus,
    /// Unsuppressed findings.
    pub findings: usize,
    /// Blocking findings.
    pub blocking: usize,
    /// Rules that passed.
    pub rules_passed: usize,
    /// Rules that failed.
    pub rules_failed: usize,
    /// Rules skipped (not applicable or disabled).
    pub rules_skipped: usize,
    /// The policy's error, when it failed.
    pub error: Option<String>,
}

/// Security changes and approval.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityReport {
    /// The baseline compared against (`.preflight/state/<stack>.json` by default).
    pub baseline: Option<String>,
    /// Where the baseline came from.
    pub baseline_from: Option<BaselineOrigin>,
    /// Whether a comparison was made (false on the first deploy).
    pub compared: bool,
    /// The changes, when compared.
    pub changes: Option<SecurityChanges>,
    /// The approval decision.
    pub approval: Option<Approval>,
    /// The exact command that approves these changes, when approval is needed.
    pub approve_command: Option<String>,
    /// Whether the deployed stack was changed outside the gate since its last gated
    /// deploy, and how.
    pub drift: Option<Drift>,
}

/// Where a deploy's baseline came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum BaselineOrigin {
    /// The gate's record of its last deploy (`.preflight/state/<stack>.json`).
    State,
    /// `--baseline`.
    Option,
    /// The deployed stack's template (no record yet, but the stack exists).
    DeployedStack,
}

/// What was recorded in `.preflight/`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StateReport {
    /// The baseline file of this stack.
    pub path: String,
    /// Whether a baseline existed before this run.
    pub existed: bool,
    /// Whether this run replaced it (only after a verified deploy).
    pub written: bool,
    /// The audit log.
    pub audit_log: String,
    /// Whether this run was appended to the audit log.
    pub audited: bool,
    /// What went wrong writing the baseline.
    pub error: Option<String>,
    /// What went wrong writing the audit log.
    pub audit_error: Option<String>,
    /// Where the deployed template was recorded after a verified deploy.
    pub deployed: Option<String>,
    /// Why it was not.
    pub deployed_error: Option<String>,
}

impl DeployReport {
    /// Adds a phase.
    pub fn phase(&mut self, name: PhaseName, status: PhaseStatus, duration_ms: u64) {
        self.phases.push(Phase {
            name,
            status,
            duration_ms,
        });
    }

    /// How long a phase took (zero when it did not run).
    pub fn phase_ms(&self, name: PhaseName) -> u64 {
        self.phases
            .iter()
            .filter(|p| p.name == name)
            .map(|p| p.duration_ms)
            .sum()
    }
}
