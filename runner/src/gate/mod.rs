//! The gate: `preflight deploy [OPTIONS] [-- COMMAND...]`.
//!
//! A [`Deployment`] goes through its steps in order, each recorded in the
//! [`DeployReport`]:
//!
//! 1. [`Deployment::check`]: ask CloudFormation about the stack ([`cloudformation`]:
//!    can a deploy start from its status, which template is deployed, was it changed
//!    outside the gate), load the template, run `sam validate` and every policy
//!    concurrently (the same [`Checker`] as `preflight check`, with the last deployed
//!    template as baseline: the gate's record, else the deployed stack's), then compute
//!    the security changes against that baseline ([`changes`]).
//! 2. [`Deployment::approve`]: decide whether the changes need approval and whether
//!    they have it ([`approval`]).
//! 3. [`Deployment::run`], only when nothing blocked: start the command in its own
//!    process group, stream and keep its output, forward SIGINT/SIGTERM, honour the
//!    timeout ([`command`]) while the stack's events are watched, then verify the
//!    result ([`verify`]).
//! 4. [`Deployment::finish`]: after a verified deploy only, replace the baseline
//!    atomically ([`state`]); append the run to the audit log ([`audit`]); work out
//!    the next steps and the exit status.
//!
//! The command line ([`crate::cli`]) resolves the [`target`], takes the [`lock`], loads
//! the policies, and prints the report as the steps go.

pub mod approval;
pub mod approvals;
pub mod audit;
pub mod changes;
pub mod cloudformation;
pub mod command;
pub mod estimate;
pub mod lock;
pub mod markers;
pub mod nofollow;
pub mod outcome;
pub mod prompt;
pub mod report;
pub mod smoke;
pub mod state;
pub mod target;
pub mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use preflight_template::{Limits, Template};
use sha2::{Digest, Sha256};

use crate::config::ApprovalLevel;
use crate::decide::{Override, Verdict};
use crate::evaluate::sam::{SamRunner, SamStatus};
use crate::finding::{Enforcement, HostRule, SuppressedBy};
use crate::load::baseline::BaselineSource;
use crate::load::policies::ActivePolicy;
use crate::run::{Checker, RunReport};
use approval::{ApprovalRequest, Prompt};
use audit::{AuditEntry, AuditEvent, AuditLog, OverrideRecord};
use changes::SecurityChanges;
use cloudformation::before::{StackBefore, inspect};
use cloudformation::client::{ClientSettings, Stacks};
use cloudformation::drift::{Drift, drift};
use cloudformation::watch::{self, Display};
use command::{CommandSpec, Interrupts, Live, RunOptions};
use lock::DeployLock;
use outcome::Outcome;
use report::{
    BaselineOrigin, DEPLOY_REPORT_VERSION, DeployReport, GateReport, PhaseName, PhaseStatus,
    PolicyOutcome, PolicyStatus, SecurityReport, StateReport,
};
use state::StateDir;
use target::{Target, shell_quote};
use verify::VerifyInput;

/// How long verification waits for a stack that is still in progress.
pub const VERIFY_WAIT: Duration = Duration::from_secs(300);

/// What the gate needs.
pub struct GateSetup<'a> {
    /// The resolved target.
    pub target: &'a Target,
    /// The policies.
    pub policies: &'a [ActivePolicy],
    /// `sam validate`, when it runs.
    pub sam: Option<&'a SamRunner>,
    /// Bounds on template files.
    pub limits: Limits,
    /// `--baseline`: compare against this instead of the recorded state.
    pub baseline: Option<BaselineSource>,
    /// `--override RULE --reason TEXT`.
    pub overrides: &'a [Override],
    /// How template suppressions are honoured (`[suppressions]`).
    pub suppressions: &'a crate::config::SuppressionConfig,
    /// `.preflight/`.
    pub state: &'a StateDir,
    /// The command line as typed (to print the exact `--approve` command).
    pub argv: Vec<String>,
    /// Paths in the report are shown relative to this directory.
    pub cwd: PathBuf,
    /// When the command line started: the time before [`Deployment::check`] (reading
    /// the configuration, loading the policies) is reported as the `load` phase.
    pub started: Instant,
    /// Whether the stack is asked about before and verified after the command
    /// (`--no-verify`, `verify = false` turn it off).
    pub verify: bool,
    /// Region and `[deploy.env]` for the CloudFormation client.
    pub client: ClientSettings,
}

/// What approval needs.
#[derive(Debug, Clone)]
pub struct ApprovalInputs {
    /// The level in force.
    pub level: ApprovalLevel,
    /// `--approve DIGEST`.
    pub digest: Option<String>,
    /// `--approve-reason TEXT`.
    pub reason: Option<String>,
}

/// How to run and verify.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Stop the command after this long.
    pub timeout: Option<Duration>,
    /// Where the command's output goes while it runs.
    pub live: Live,
    /// Between SIGTERM and SIGKILL.
    pub grace: Duration,
    /// Extra environment for the command (`[deploy.env]`, less what preflight's own
    /// environment already sets).
    pub env: Vec<(String, String)>,
    /// The smoke checks to run after a verified deploy (`[[deploy.smoke]]`; none with
    /// `--no-smoke`).
    pub smoke: Vec<crate::config::SmokeCheck>,
}

/// One gated deploy, step by step.
pub struct Deployment<'a> {
    setup: GateSetup<'a>,
    /// The report so far.
    pub report: DeployReport,
    template: Option<Arc<Template>>,
    started: Instant,
    started_at: jiff::Timestamp,
    gate_failed: bool,
    /// Opened before the gate decides: a log that cannot be written stops the deploy.
    audit: Option<AuditLog>,
    /// Where the command's process group is recorded while it runs.
    lock: Option<&'a DeployLock>,
    /// The runtime the CloudFormation calls and the command run on.
    runtime: Option<tokio::runtime::Runtime>,
    /// The CloudFormation client, when the stack is checked.
    stacks: Option<Stacks>,
}

impl<'a> Deployment<'a> {
    /// Checks the template and computes the security changes.
    pub fn check(setup: GateSetup<'a>) -> Deployment<'a> {
        let started = setup.started;
        let load_ms = elapsed_ms(started);
        let started_at = jiff::Timestamp::now() - Duration::from_millis(load_ms);
        let target = setup.target;
        let key = target.state_key();
        let state_path = setup.state.baseline(&key);
        // A recorded baseline that exists but is not a regular file (a directory, a
        // link) is not a first deploy: the changes could not be compared.
        let (existed, unusable_baseline) = match std::fs::symlink_metadata(&state_path) {
            Ok(m) if m.is_file() => (true, None),
            Ok(m) => (true, Some(nofollow::not_followed(&m))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, None),
            Err(e) => (true, Some(e)),
        };
        let existed = existed && unusable_baseline.is_none();
        let (runtime, runtime_error) = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => (Some(rt), None),
            Err(e) => (None, Some(format!("cannot start the async runtime: {e}"))),
        };
        let stack_started = Instant::now();
        let (stacks, before) = match (&runtime, &target.stack, setup.verify) {
            (_, _, false) => (None, StackBefore::skipped("verification is off")),
            (_, None, true) => (None, StackBefore::skipped("no stack name is known")),
            (None, Some(_), true) => (None, StackBefore::skipped("no async runtime")),
            (Some(rt), Some(stack), true) => rt.block_on(async {
                let stacks = Stacks::connect(&setup.client).await;
                let before = inspect(&stacks, stack).await;
                (Some(stacks), before)
            }),
        };
        let stack_ms = elapsed_ms(stack_started);
        let baseline = match &setup.baseline {
            Some(b) => Some(b.clone()),
            None if existed => Some(BaselineSource::File(state_path.clone())),
            None if unusable_baseline.is_some() => None,
            // No record, but the stack exists: compare against what is deployed.
            None => before.template.as_ref().map(|body| BaselineSource::Text {
                name: deployed_name(target.stack.as_deref()),
                body: Arc::from(body.as_str()),
            }),
        };
        let checker = Checker {
            policies: setup.policies,
            sam: setup.sam,
            limits: setup.limits,
            baseline: baseline.as_ref(),
            overrides: setup.overrides,
            suppressions: setup.suppressions,
        };
        let check_started = Instant::now();
        // Shown relative to the working directory when it is inside it.
        let path = match target.template.strip_prefix(&setup.cwd) {
            Ok(relative) => relative.to_path_buf(),
            Err(_) => target.template.clone(),
        };
        let run = checker.run(&[path]);
        let check_ms = elapsed_ms(check_started);
        let template = run.templates.first().and_then(|t| t.template.clone());
        let load_error = run.templates.first().and_then(|t| t.error.clone());
        let validation = run.templates.first().and_then(|t| t.sam.clone());
        let gate = GateReport {
            verdict: run.verdict,
            load_error: load_error.clone(),
            validation,
            policies: policy_outcomes(&run),
            overrides: override_records(&run, setup.overrides),
            check: run,
        };
        let mut report = DeployReport {
            version: DEPLOY_REPORT_VERSION,
            kind: "deploy",
            outcome: Outcome::Pending,
            exit_code: 0,
            stack: target.stack.clone(),
            template: display_path(&target.template, &setup.cwd),
            command: target.command.display.clone(),
            project_dir: display_path(&target.project_dir, &setup.cwd),
            started_at: started_at.to_string(),
            duration_ms: 0,
            phases: Vec::new(),
            reasons: Vec::new(),
            gate,
            security: SecurityReport {
                baseline: None,
                compared: false,
                changes: None,
                approval: None,
                approve_command: None,
                baseline_from: None,
                drift: None,
            },
            estimate: None,
            stack_before: before,
            deploy: None,
            verify: None,
            smoke: None,
            state: StateReport {
                path: display_path(&state_path, &setup.cwd),
                existed,
                audit_log: display_path(&setup.state.audit_log(), &setup.cwd),
                ..Default::default()
            },
            next_steps: Vec::new(),
        };
        let gate_failed = report.gate.verdict == Verdict::Fail;
        report.phase(PhaseName::Load, PhaseStatus::Passed, load_ms);
        // Only a stack that was asked about has the phase: a deploy without a stack name
        // or with verification off shows the phases it always had.
        let before = &report.stack_before;
        let stack_status = if before.skipped.is_some() {
            None
        } else if before.blocks() {
            Some(PhaseStatus::Blocked)
        } else if before.error.is_some() {
            Some(PhaseStatus::Warned)
        } else {
            Some(PhaseStatus::Passed)
        };
        if let Some(status) = stack_status {
            report.phase(PhaseName::Stack, status, stack_ms);
        }
        if let Some(e) = &load_error {
            report.phase(PhaseName::Check, PhaseStatus::Error, check_ms);
            report.outcome = Outcome::Error;
            report.reasons.push(format!(
                "cannot load {} (line {}, column {}): {}",
                report.template, e.line, e.column, e.message
            ));
        } else {
            let status = match report.gate.verdict {
                Verdict::Pass => PhaseStatus::Passed,
                Verdict::Warn => PhaseStatus::Warned,
                Verdict::Fail => PhaseStatus::Blocked,
            };
            report.phase(PhaseName::Check, status, check_ms);
            report.reasons.extend(gate_reasons(&report.gate));
        }
        let audit = match AuditLog::open(&setup.state.audit_log()) {
            Ok(log) => Some(log),
            Err(e) => {
                report.outcome = Outcome::Error;
                report.reasons.push(e.to_string());
                report.state.audit_error = Some(e.to_string());
                None
            }
        };
        if let Some(e) = runtime_error {
            report.outcome = Outcome::Error;
            report.reasons.push(e);
        }
        if let Some(e) = unusable_baseline
            && report.outcome == Outcome::Pending
        {
            report.outcome = Outcome::Blocked;
            report.reasons.push(format!(
                "the recorded baseline {} cannot be read ({e}): the security changes since the last deploy cannot be compared",
                report.state.path
            ));
        }
        let before = &report.stack_before;
        if before.blocks()
            && report.outcome == Outcome::Pending
            && let Some(remediation) = before.remediation.clone()
        {
            report.outcome = Outcome::Blocked;
            report.reasons.push(remediation);
        }
        if existed && setup.baseline.is_none() {
            report.security.drift = stack_drift(
                report.stack_before.template.as_deref(),
                target.stack.as_deref(),
                &setup.state.deployed(&key),
                &state_path,
                &setup.limits,
            );
        }
        let mut deployment = Deployment {
            setup,
            report,
            template,
            started,
            started_at,
            gate_failed,
            audit,
            lock: None,
            runtime,
            stacks,
        };
        deployment.security(baseline.as_ref());
        deployment
    }

    /// Takes the security changes the checker computed against the baseline (an
    /// unreadable baseline is a blocking finding of the check).
    fn security(&mut self, baseline: Option<&BaselineSource>) {
        let Some(source) = baseline else {
            return;
        };
        if self.template.is_none() {
            return;
        }
        self.report.security.baseline = Some(match source {
            BaselineSource::File(path) => display_path(path, &self.setup.cwd),
            BaselineSource::Git { rev, path } => match path {
                Some(p) => format!("git:{rev}:{}", p.display()),
                None => format!("git:{rev}"),
            },
            BaselineSource::Text { name, .. } => name.clone(),
        });
        self.report.security.baseline_from = Some(match source {
            _ if self.setup.baseline.is_some() => BaselineOrigin::Option,
            BaselineSource::Text { .. } => BaselineOrigin::DeployedStack,
            _ => BaselineOrigin::State,
        });
        let set = self
            .report
            .gate
            .check
            .templates
            .first()
            .and_then(|t| t.security_changes.clone());
        if let Some(set) = set {
            self.report.security.compared = true;
            self.report.security.changes = Some(SecurityChanges::new(set));
        }
    }

    /// Decides the approval of the security changes. `prompt` is the terminal, when
    /// standard input is one; it is not used when the gate already failed.
    pub fn approve(&mut self, inputs: &ApprovalInputs, prompt: Option<&mut dyn Prompt>) {
        if self.report.outcome != Outcome::Pending {
            return;
        }
        let started = Instant::now();
        let request = ApprovalRequest {
            level: inputs.level,
            changes: self.report.security.changes.as_ref(),
            digest: inputs.digest.as_deref(),
            reason: inputs.reason.as_deref(),
        };
        let prompt = if self.gate_failed { None } else { prompt };
        let decision = approval::decide(&request, prompt);
        let status = if decision.status.allows() {
            if decision.required {
                PhaseStatus::Passed
            } else {
                PhaseStatus::Skipped
            }
        } else {
            PhaseStatus::Blocked
        };
        if decision.required
            && let Some(changes) = &self.report.security.changes
        {
            self.report.security.approve_command =
                Some(approve_command(&self.setup.argv, changes.digest()));
        }
        if !decision.status.allows() {
            self.report.reasons.push(decision.message.clone());
        }
        if !decision.status.allows() || self.gate_failed {
            self.report.outcome = Outcome::Blocked;
        }
        self.report.security.approval = Some(decision);
        self.report
            .phase(PhaseName::Approval, status, elapsed_ms(started));
    }

    /// Records the deploy command's process group in `lock` while it runs, so a next
    /// deploy finds the command if this process is killed.
    pub fn hold_lock(&mut self, lock: &'a DeployLock) {
        self.lock = Some(lock);
    }

    /// Whether the deploy will not run (blocked or an error).
    pub fn stopped(&self) -> bool {
        self.report.outcome != Outcome::Pending || self.gate_failed
    }

    /// Runs the command and verifies the result. Does nothing when the gate blocked.
    pub fn run(&mut self, settings: &RunSettings) {
        if self.stopped() {
            return;
        }
        let target = self.setup.target;
        let mut env = settings.env.clone();
        env.extend([
            (
                "PREFLIGHT_TEMPLATE".to_string(),
                target.template.display().to_string(),
            ),
            ("PREFLIGHT_DEPLOY".to_string(), "1".to_string()),
        ]);
        if let Some(stack) = &target.stack {
            env.push(("PREFLIGHT_STACK_NAME".to_string(), stack.clone()));
        }
        let spec = CommandSpec {
            program: target.command.program.clone(),
            args: target.command.args.clone(),
            display: target.command.display.clone(),
            dir: target.project_dir.clone(),
            env,
        };
        let display = match settings.live {
            Live::Off => Display::Off,
            _ => Display::for_stderr(),
        };
        let (spawned, mut spawned_rx) = tokio::sync::mpsc::unbounded_channel();
        let options = RunOptions {
            timeout: settings.timeout,
            grace: settings.grace,
            live: settings.live,
            spawned: Some(spawned),
            bar: display.bar().cloned(),
        };
        // The start goes to the audit log before the command runs: a run that is killed
        // still leaves its trace, and a log that cannot take it stops the deploy here.
        self.report.estimate = estimate::from_log(
            &self.setup.state.audit_log(),
            estimate::Subject {
                stack: target.stack.as_deref(),
                template: &self.report.template,
            },
        );
        if let Some(e) = &self.report.estimate {
            // Beside the gate's other progress on stderr, before the command's output.
            eprintln!("{}", e.line());
        }
        let mut start = self.audit_entry();
        start.event = AuditEvent::Start;
        if let Err(e) = self.append_audit(&start) {
            self.report.state.audit_error = Some(e.to_string());
            self.report.outcome = Outcome::Error;
            self.report.reasons.push(format!(
                "the deploy command was not started: the audit log cannot be written: {e}"
            ));
            return;
        }
        let lock = self.lock;
        // Taken while the command runs, so the report can be updated meanwhile.
        let Some(runtime) = self.runtime.take() else {
            self.fail("cannot start the async runtime".into());
            return;
        };
        let stack = target.stack.clone();
        let stacks = self.stacks.as_ref();
        let stack_before = &self.report.stack_before;
        let skipped = stack_before.skipped.clone();
        let before_events = stack_before.event_ids.clone();
        let before = match (&stack_before.error, stack_before.exists) {
            (None, Some(false)) => Some(Ok(None)),
            (None, Some(true)) => Some(Ok(stack_before.resources.clone())),
            (Some(e), _) => Some(Err(e.clone())),
            _ => None,
        };
        let result = runtime.block_on(async {
            let mut interrupts = Interrupts::install()
                .map_err(|e| format!("cannot install signal handlers: {e}"))?;
            let since = jiff::Timestamp::now();
            let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
            let interrupts_ref = &mut interrupts;
            let command = async move {
                let report = command::run(&spec, &options, interrupts_ref).await;
                drop(options);
                let _ = done_tx.send(());
                report
            };
            let record = async {
                while let Some(pgid) = spawned_rx.recv().await {
                    if let Some(lock) = lock {
                        lock.record_command(pgid);
                    }
                }
            };
            let watched = async {
                match (stacks, &stack) {
                    (Some(stacks), Some(name)) => Some(
                        watch::watch(
                            stacks,
                            name,
                            since,
                            before_events.clone(),
                            &display,
                            async {
                                let _ = done_rx.await;
                            },
                        )
                        .await,
                    ),
                    _ => None,
                }
            };
            let (command, (), progress) = tokio::join!(command, record, watched);
            let verify = verify::verify(
                &command,
                VerifyInput {
                    stack: stack.as_deref(),
                    stacks,
                    skipped,
                    before,
                    since,
                    wait: VERIFY_WAIT,
                    progress,
                    before_events: before_events.clone(),
                    display: match display {
                        Display::Bar(_) => Display::Off,
                        other => other,
                    },
                },
                &mut interrupts,
            )
            .await;
            Ok::<_, String>((command, verify, 0))
        });
        match result {
            Ok((command, mut verify, before_ms)) => {
                verify.duration_ms += before_ms;
                let deploy_status = if command.succeeded() {
                    PhaseStatus::Passed
                } else {
                    PhaseStatus::Failed
                };
                self.report
                    .phase(PhaseName::Deploy, deploy_status, command.duration_ms);
                if let Some(e) = &mut self.report.estimate {
                    e.actual_ms = Some(command.duration_ms);
                }
                let verify_status = match verify.status {
                    verify::VerifyStatus::Passed => PhaseStatus::Passed,
                    verify::VerifyStatus::Failed => PhaseStatus::Failed,
                };
                self.report
                    .phase(PhaseName::Verify, verify_status, verify.duration_ms);
                if verify.status == verify::VerifyStatus::Failed {
                    self.report.outcome = Outcome::Failed;
                    self.report.reasons.extend(verify.failures.iter().cloned());
                }
                self.report.deploy = Some(command);
                self.report.verify = Some(verify);
            }
            Err(message) => self.fail(message),
        }
        self.smoke(settings, &runtime);
        self.runtime = Some(runtime);
    }

    /// Runs the smoke checks after a verified deploy; one that fails fails the deploy.
    fn smoke(&mut self, settings: &RunSettings, runtime: &tokio::runtime::Runtime) {
        let Some(verify) = &self.report.verify else {
            return;
        };
        if settings.smoke.is_empty()
            || self.report.outcome != Outcome::Pending
            || verify.status != verify::VerifyStatus::Passed
        {
            return;
        }
        let target = self.setup.target;
        let stack = &verify.stack;
        let unknown = (!stack.checked).then(|| {
            stack
                .skipped
                .clone()
                .unwrap_or_else(|| "the stack was not checked".into())
        });
        let input = smoke::SmokeInput {
            checks: &settings.smoke,
            outputs: &stack.outputs,
            outputs_unknown: unknown.as_deref(),
            stack: target.stack.as_deref(),
            dir: &target.project_dir,
            env: &settings.env,
        };
        let report = runtime.block_on(async {
            match Interrupts::install() {
                Ok(mut interrupts) => Ok(smoke::run(&input, &mut interrupts).await),
                Err(e) => Err(format!("cannot install signal handlers: {e}")),
            }
        });
        match report {
            Ok(report) => {
                let status = if report.passed() {
                    PhaseStatus::Passed
                } else {
                    self.report.outcome = Outcome::Failed;
                    self.report.reasons.extend(report.reasons());
                    PhaseStatus::Failed
                };
                self.report
                    .phase(PhaseName::Smoke, status, report.duration_ms);
                self.report.smoke = Some(report);
            }
            Err(message) => self.fail(message),
        }
    }

    fn fail(&mut self, message: String) {
        self.report.outcome = Outcome::Failed;
        self.report.reasons.push(message);
    }

    /// Records the result: the baseline after a verified deploy only, the audit log
    /// always; then the next steps and the exit status.
    pub fn finish(&mut self) {
        let started = Instant::now();
        if self.report.outcome == Outcome::Pending {
            self.report.outcome = if self.gate_failed {
                Outcome::Blocked
            } else {
                Outcome::Deployed
            };
        }
        let key = self.setup.target.state_key();
        if self.report.outcome == Outcome::Deployed
            && let Some(template) = &self.template
        {
            match self.setup.state.write_baseline(&key, template.value()) {
                Ok(_) => {
                    self.report.state.written = true;
                    self.record_deployed(&key);
                }
                Err(e) => {
                    self.report.outcome = Outcome::Failed;
                    self.report.reasons.push(format!(
                        "the deploy succeeded, but the new baseline could not be recorded: {e}"
                    ));
                    self.report.state.error = Some(e.to_string());
                }
            }
        }
        self.report.exit_code = self.report.outcome.exit_code();
        self.report.duration_ms = elapsed_ms(self.started);
        let entry = self.audit_entry();
        match self.append_audit(&entry) {
            Ok(()) => self.report.state.audited = true,
            Err(e) => {
                // The record is part of the deploy: without it the run is not done.
                if self.report.outcome == Outcome::Deployed {
                    self.report.outcome = Outcome::Failed;
                    self.report.exit_code = self.report.outcome.exit_code();
                    self.report.reasons.push(format!(
                        "the deploy succeeded, but it could not be recorded in the audit log: {e}"
                    ));
                }
                self.report.state.audit_error = Some(e.to_string());
            }
        }
        let status = if self.report.state.error.is_some() || self.report.state.audit_error.is_some()
        {
            PhaseStatus::Failed
        } else {
            PhaseStatus::Passed
        };
        self.report
            .phase(PhaseName::Record, status, elapsed_ms(started));
        self.report.duration_ms = elapsed_ms(self.started);
        self.report.next_steps = report::next_steps(&self.report);
    }

    /// Keeps the template CloudFormation now has, so the next deploy can tell a change
    /// made outside the gate. Not having it only loses that comparison, so a failure
    /// is reported, not fatal.
    fn record_deployed(&mut self, key: &str) {
        let (Some(runtime), Some(stacks), Some(stack)) =
            (&self.runtime, &self.stacks, &self.setup.target.stack)
        else {
            return;
        };
        let body = runtime.block_on(stacks.template(stack));
        let recorded = match body {
            Ok(Some(body)) => Template::from_bytes(
                body.into_bytes(),
                &deployed_name(Some(stack)),
                &self.setup.limits,
            )
            .map_err(|e| e.to_string())
            .and_then(|t| {
                self.setup
                    .state
                    .write_deployed(key, t.value())
                    .map_err(|e| e.to_string())
            }),
            Ok(None) => Err(format!("stack {stack} has no template")),
            Err(e) => Err(e.to_string()),
        };
        match recorded {
            Ok(path) => self.report.state.deployed = Some(display_path(&path, &self.setup.cwd)),
            Err(e) => {
                self.report.state.deployed_error = Some(format!(
                    "the deployed template was not recorded (a change outside the gate will not be told apart at the next deploy): {e}"
                ))
            }
        }
    }

    fn append_audit(&mut self, entry: &AuditEntry) -> Result<(), audit::AuditError> {
        let log = match self.audit.take() {
            Some(log) => log,
            None => AuditLog::open(&self.setup.state.audit_log())?,
        };
        let appended = log.append(entry);
        self.audit = Some(log);
        appended
    }

    fn audit_entry(&self) -> AuditEntry {
        let r = &self.report;
        AuditEntry {
            event: AuditEvent::End,
            time: self.started_at.to_string(),
            stack: r.stack.clone(),
            template: r.template.clone(),
            template_sha256: self
                .template
                .as_ref()
                .map(|t| hex::encode(Sha256::digest(t.to_json().as_bytes()))),
            command: r.command.clone(),
            outcome: r.outcome,
            exit_code: r.exit_code,
            verdict: r.gate.verdict,
            reasons: r.reasons.clone(),
            security: r.security.changes.as_ref().map(|c| {
                serde_json::json!({
                    "baseline": r.security.baseline,
                    "digest": c.digest(),
                    "broadening": c.broadening(),
                    "changes": c.count,
                    "broadening_changes": c.broadening_count,
                })
            }),
            approval: r
                .security
                .approval
                .as_ref()
                .and_then(|a| a.approved.clone()),
            overrides: r
                .gate
                .overrides
                .iter()
                .filter(|o| o.findings > 0)
                .cloned()
                .collect(),
            user: audit::current_user(),
            duration_ms: r.duration_ms,
            deploy_ms: r
                .deploy
                .as_ref()
                .filter(|d| d.started)
                .map(|d| d.duration_ms),
            state_written: r.state.written,
        }
    }
}

/// How the deployed template of `stack` is named in reports and load errors.
fn deployed_name(stack: Option<&str>) -> String {
    format!("stack {} (deployed)", stack.unwrap_or(""))
}

/// Whether the deployed template (`body`) differs from the record of the last gated
/// deploy (`recorded`), or, without a record, from the baseline; the baseline is read
/// only then.
fn stack_drift(
    body: Option<&str>,
    stack: Option<&str>,
    recorded: &Path,
    baseline: &Path,
    limits: &Limits,
) -> Option<Drift> {
    let deployed =
        Template::from_bytes(body?.as_bytes().to_vec(), &deployed_name(stack), limits).ok()?;
    let recorded = Template::load(recorded, limits).ok();
    let baseline = match recorded {
        Some(_) => None,
        None => Template::load(baseline, limits).ok(),
    };
    drift(
        recorded.as_ref().map(|t| t.value()),
        baseline.as_ref().map(|t| t.value()),
        deployed.value(),
    )
}

fn elapsed_ms(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

/// `path` relative to `cwd` when it is inside it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let text = shown.display().to_string();
    if text.is_empty() { ".".into() } else { text }
}

/// The command line that approves `digest`: the one typed, with `--approve DIGEST`
/// (replacing any earlier one) before `--`, or at the end.
pub fn approve_command(argv: &[String], digest: &str) -> String {
    let mut args: Vec<String> = Vec::new();
    let mut rest: Vec<String> = Vec::new();
    let mut iter = argv.iter();
    let program = iter
        .next()
        .map(|p| {
            Path::new(p)
                .file_name()
                .filter(|_| {
                    !p.contains('/') || crate::evaluate::sam::find_on_path("preflight").is_some()
                })
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.clone())
        })
        .unwrap_or_else(|| "preflight".into());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            rest.push(arg.clone());
            rest.extend(iter.by_ref().cloned());
            break;
        }
        if arg == "--approve" {
            iter.next();
            continue;
        }
        if arg.starts_with("--approve=") {
            continue;
        }
        args.push(arg.clone());
    }
    args.push("--approve".into());
    args.push(digest.to_string());
    std::iter::once(program)
        .chain(args)
        .chain(rest)
        .map(|a| shell_quote(&a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn gate_reasons(gate: &GateReport) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some(sam) = &gate.validation
        && sam.status != SamStatus::Passed
    {
        reasons.push(match sam.status {
            SamStatus::Error => "sam validate could not run".to_string(),
            _ => "sam validate failed".to_string(),
        });
    }
    let blocking: Vec<_> = gate
        .check
        .templates
        .iter()
        .flat_map(|t| &t.findings)
        .filter(|f| f.blocking)
        .collect();
    let errors = blocking
        .iter()
        .filter(|f| f.is(HostRule::PolicyError))
        .count();
    let hard = blocking
        .iter()
        .filter(|f| !f.is(HostRule::PolicyError) && f.enforcement == Enforcement::HardMandatory)
        .count();
    let soft = blocking
        .iter()
        .filter(|f| !f.is(HostRule::PolicyError) && f.enforcement == Enforcement::SoftMandatory)
        .count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if hard > 0 {
        reasons.push(format!("{hard} hard-mandatory finding{}", plural(hard)));
    }
    if soft > 0 {
        reasons.push(format!(
            "{soft} soft-mandatory finding{} (not overridden)",
            plural(soft)
        ));
    }
    if errors > 0 {
        reasons.push(format!("{errors} policy error{}", plural(errors)));
    }
    reasons
}

fn policy_outcomes(run: &RunReport) -> Vec<PolicyOutcome> {
    run.policies
        .iter()
        .map(|p| {
            let findings: Vec<_> = run
                .templates
                .iter()
                .flat_map(|t| &t.findings)
                .filter(|f| f.policy == p.id)
                .collect();
            let rules: Vec<_> = run
                .templates
                .iter()
                .flat_map(|t| &t.rules)
                .filter(|r| r.policy == p.id && !HostRule::PolicyError.is(&r.rule))
                .collect();
            let count =
                |s: preflight_policy::Status| rules.iter().filter(|r| r.status == s).count();
            let error = p.error.clone().or_else(|| {
                findings
                    .iter()
                    .find(|f| f.is(HostRule::PolicyError))
                    .map(|f| f.message.clone())
            });
            let unsuppressed = findings.iter().filter(|f| f.suppressed.is_none()).count();
            let blocking = findings.iter().filter(|f| f.blocking).count();
            PolicyOutcome {
                id: p.id.clone(),
                version: p.version.clone(),
                enforcement: p.enforcement,
                outcome: if error.is_some() {
                    PolicyStatus::Error
                } else if blocking > 0 {
                    PolicyStatus::Fail
                } else if unsuppressed > 0 {
                    PolicyStatus::Warn
                } else {
                    PolicyStatus::Pass
                },
                findings: unsuppressed,
                blocking,
                rules_passed: count(preflight_policy::Status::Pass),
                rules_failed: count(preflight_policy::Status::Fail),
                rules_skipped: count(preflight_policy::Status::Skip),
                error,
            }
        })
        .collect()
}

fn override_records(run: &RunReport, overrides: &[Override]) -> Vec<OverrideRecord> {
    overrides
        .iter()
        .map(|o| OverrideRecord {
            rule: o.rule.clone(),
            reason: o.reason.clone(),
            findings: run
                .templates
                .iter()
                .flat_map(|t| &t.findings)
                .filter(|f| {
                    f.rule == o.rule
                        && f.suppressed
                            .as_ref()
                            .is_some_and(|s| s.by == SuppressedBy::Override)
                })
                .count(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn approve_command_replaces_the_digest_before_the_command() {
        assert_eq!(
            approve_command(
                &argv(&[
                    "preflight",
                    "deploy",
                    "--stack",
                    "demo",
                    "--approve",
                    "old",
                    "--",
                    "make",
                    "play"
                ]),
                "abc"
            ),
            "preflight deploy --stack demo --approve abc -- make play"
        );
        assert_eq!(
            approve_command(
                &argv(&[
                    "preflight",
                    "deploy",
                    "--approve=old",
                    "--reason",
                    "it's fine"
                ]),
                "abc"
            ),
            // shlex's quoting (double quotes here); that it round-trips through a
            // shell is tested with `shell_quote`.
            "preflight deploy --reason \"it's fine\" --approve abc"
        );
    }

    #[test]
    fn paths_are_shown_relative() {
        assert_eq!(
            display_path(Path::new("/p/app/template.yaml"), Path::new("/p/app")),
            "template.yaml"
        );
        assert_eq!(
            display_path(Path::new("/other/t.yaml"), Path::new("/p")),
            "/other/t.yaml"
        );
    }
}
