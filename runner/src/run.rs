//! One run over templates: load, `sam validate` and every policy concurrently, locate
//! findings, judge them, and sum up the verdict.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use preflight_policy::{Severity, Status};
use preflight_template::{Limits, Template};
use rayon::prelude::*;
use serde::Serialize;

use preflight_policy::diff::ChangeSet;

use crate::baseline::BaselineSource;
use crate::config::{Enforcement, SuppressionConfig};
use crate::engine::EvalInput;
use crate::finding::{Finding, POLICY_ERROR, RuleResult, Suppressed};
use crate::policies::ActivePolicy;
use crate::sam::{SamRunner, SamStatus, SamValidation};
use crate::verdict::{Override, Verdict, blocks};

/// The version of the JSON report format.
pub const REPORT_VERSION: u32 = 1;

/// What a run needs besides the templates.
pub struct Checker<'a> {
    /// The policies to evaluate.
    pub policies: &'a [ActivePolicy],
    /// `sam validate`, when it runs.
    pub sam: Option<&'a SamRunner>,
    /// Bounds on template files.
    pub limits: Limits,
    /// Where baselines come from, if anywhere.
    pub baseline: Option<&'a BaselineSource>,
    /// `--override RULE --reason TEXT`.
    pub overrides: &'a [Override],
    /// How template suppressions are honoured.
    pub suppressions: &'a SuppressionConfig,
}

/// A load error, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadErrorReport {
    /// What went wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Everything about one template.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateReport {
    /// The path as given.
    pub path: String,
    /// pass, warn or fail.
    pub verdict: Verdict,
    /// Why the template could not be loaded, if it could not.
    pub error: Option<LoadErrorReport>,
    /// The `sam validate` result, when it ran.
    pub sam: Option<SamValidation>,
    /// The security diff against the baseline, when there is one.
    pub security_changes: Option<ChangeSet>,
    /// Findings, blocking first, then by location.
    pub findings: Vec<Finding>,
    /// Every rule's status.
    pub rules: Vec<RuleResult>,
    /// Wall time for this template.
    pub duration_ms: u64,
    /// The source text, for rendering snippets.
    #[serde(skip)]
    pub source: Option<Arc<str>>,
    /// The canonical value, for later steps (diff, state).
    #[serde(skip)]
    pub template: Option<Arc<Template>>,
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// Report format version.
    pub version: u32,
    /// pass, warn or fail over all templates.
    pub verdict: Verdict,
    /// Per template.
    pub templates: Vec<TemplateReport>,
    /// The policies that ran.
    pub policies: Vec<PolicySummary>,
    /// Overrides given.
    pub overrides: Vec<Override>,
    /// Wall time of the run.
    pub duration_ms: u64,
}

/// One policy as it ran.
#[derive(Debug, Clone, Serialize)]
pub struct PolicySummary {
    /// Policy id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Enforcement.
    pub enforcement: Enforcement,
    /// Why it could not be loaded, if it could not.
    pub error: Option<String>,
    /// Its rules' metadata (for SARIF rule descriptions).
    #[serde(skip)]
    pub rules: Vec<preflight_policy::RuleInfo>,
}

/// How many findings of a template block, warn, and are suppressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Blocking findings.
    pub blocking: usize,
    /// Findings that neither block nor are suppressed.
    pub warnings: usize,
    /// Suppressed or overridden findings.
    pub suppressed: usize,
}

impl TemplateReport {
    /// Counts its findings by how they are judged.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for f in &self.findings {
            if f.blocking {
                tally.blocking += 1;
            } else if f.suppressed.is_some() {
                tally.suppressed += 1;
            } else {
                tally.warnings += 1;
            }
        }
        tally
    }
}

impl RunReport {
    /// Whether any template failed to load.
    pub fn has_load_errors(&self) -> bool {
        self.templates.iter().any(|t| t.error.is_some())
    }
}

impl Checker<'_> {
    /// Checks every template. `sam validate` runs on its own threads while the policies
    /// run on rayon's pool.
    pub fn run(&self, paths: &[PathBuf]) -> RunReport {
        let started = Instant::now();
        let (sam_results, mut templates) = std::thread::scope(|scope| {
            let sam = scope.spawn(|| self.sam_all(paths));
            let templates: Vec<TemplateReport> =
                paths.par_iter().map(|p| self.check_one(p)).collect();
            (sam.join().unwrap_or_default(), templates)
        });
        for (report, sam) in templates.iter_mut().zip(sam_results) {
            if let Some(sam) = sam {
                // A load error already fails the template; sam's view is still shown.
                report.sam = Some(sam);
                report.verdict = template_verdict(report);
            }
        }
        let verdict = templates
            .iter()
            .map(|t| t.verdict)
            .max()
            .unwrap_or(Verdict::Pass);
        RunReport {
            version: REPORT_VERSION,
            verdict,
            templates,
            policies: self
                .policies
                .iter()
                .map(|p| PolicySummary {
                    id: p.id().to_string(),
                    version: p
                        .loaded
                        .as_ref()
                        .map(|l| l.meta().version.clone())
                        .unwrap_or_default(),
                    enforcement: p.enforcement,
                    error: p.loaded.as_ref().err().cloned(),
                    rules: p
                        .loaded
                        .as_ref()
                        .map(|l| l.meta().rules.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            overrides: self.overrides.to_vec(),
            duration_ms: started.elapsed().as_millis() as u64,
        }
    }

    /// `sam validate` for each template, two at a time (it is CPU-heavy Python).
    fn sam_all(&self, paths: &[PathBuf]) -> Vec<Option<SamValidation>> {
        let Some(sam) = self.sam else {
            return vec![None; paths.len()];
        };
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = std::sync::Mutex::new(vec![None; paths.len()]);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = paths.get(i) else { break };
                        let result = sam.validate(path);
                        if let Ok(mut r) = results.lock() {
                            r[i] = Some(result);
                        }
                    }
                });
            }
        });
        results.into_inner().unwrap_or_default()
    }

    fn check_one(&self, path: &Path) -> TemplateReport {
        let started = Instant::now();
        let name = path.display().to_string();
        let template = match Template::load(path, &self.limits) {
            Ok(t) => t,
            Err(e) => {
                let mut report = TemplateReport {
                    path: name,
                    verdict: Verdict::Fail,
                    error: Some(LoadErrorReport {
                        message: e.kind.to_string(),
                        line: e.line,
                        column: e.column,
                    }),
                    sam: None,
                    security_changes: None,
                    findings: Vec::new(),
                    rules: Vec::new(),
                    duration_ms: 0,
                    source: std::fs::read_to_string(path).ok().map(Arc::from),
                    template: None,
                };
                report.duration_ms = started.elapsed().as_millis() as u64;
                return report;
            }
        };
        let (baseline, baseline_error) = match self.baseline.map(|b| b.resolve(path, &self.limits))
        {
            None | Some(Ok(None)) => (None, None),
            Some(Ok(Some(b))) => (Some(b), None),
            Some(Err(e)) => (None, Some(e)),
        };
        let security_changes = baseline
            .as_ref()
            .map(|b| preflight_policy::diff::diff(b.value(), template.value()));
        let baseline = baseline.map(|b| b.to_json());
        let json = template.to_json();
        // The built-in guard policy reads the template as cfn-guard does.
        let guard_json = self
            .policies
            .iter()
            .any(ActivePolicy::reads_guard_view)
            .then(|| crate::guard_view::json(&template));
        let input = EvalInput {
            template: &json,
            baseline: baseline.as_deref(),
            path: &name,
            settings: "{}",
        };
        let outcomes: Vec<(Vec<Finding>, Vec<RuleResult>)> = self
            .policies
            .par_iter()
            .map(|policy| match (&guard_json, policy.reads_guard_view()) {
                (Some(guard), true) => self.evaluate(
                    policy,
                    &template,
                    &EvalInput {
                        template: guard,
                        ..input.clone()
                    },
                ),
                _ => self.evaluate(policy, &template, &input),
            })
            .collect();
        let mut findings = Vec::new();
        let mut rules = Vec::new();
        for (f, r) in outcomes {
            findings.extend(f);
            rules.extend(r);
        }
        if let Some(error) = baseline_error {
            findings.push(host_finding(
                &template,
                "baseline",
                "baseline-error",
                Severity::High,
                error,
            ));
        }
        let catalog: std::collections::HashMap<String, preflight_policy::RuleInfo> = self
            .policies
            .iter()
            .filter_map(|p| p.loaded.as_ref().ok())
            .flat_map(|l| l.meta().rules.iter().map(|r| (r.id.clone(), r.clone())))
            .collect();
        crate::suppress::apply(
            &template,
            &mut findings,
            &catalog,
            self.suppressions,
            crate::suppress::today(),
        );
        self.apply_overrides(&mut findings);
        findings.sort_by(|a, b| {
            (b.blocking, a.line, a.column, &a.rule).cmp(&(a.blocking, b.line, b.column, &b.rule))
        });
        let mut report = TemplateReport {
            path: name,
            verdict: Verdict::Pass,
            error: None,
            sam: None,
            security_changes,
            findings,
            rules,
            duration_ms: started.elapsed().as_millis() as u64,
            source: Some(template.source_arc()),
            template: Some(Arc::new(template)),
        };
        report.verdict = template_verdict(&report);
        report
    }

    fn evaluate(
        &self,
        policy: &ActivePolicy,
        template: &Template,
        input: &EvalInput<'_>,
    ) -> (Vec<Finding>, Vec<RuleResult>) {
        let loaded = match &policy.loaded {
            Ok(loaded) => loaded,
            Err(e) => {
                return policy_error(policy, template, format!("policy could not be loaded: {e}"));
            }
        };
        let input = EvalInput {
            settings: &policy.settings,
            ..input.clone()
        };
        // The guard policy isolates a rules file the sandbox stops from the others.
        let evaluated = if policy.reads_guard_view() {
            crate::guard_isolate::evaluate(loaded, &input)
        } else {
            loaded.evaluate(&input)
        };
        let report = match evaluated {
            Ok(report) => report,
            Err(e) => return policy_error(policy, template, e.to_string()),
        };
        let policy_id = loaded.meta().id.clone();
        let disabled = |rule: &str| policy.config.disable.iter().any(|d| d == rule);
        let findings = report
            .findings
            .into_iter()
            .filter(|f| !disabled(&f.rule))
            .map(|f| {
                let severity = policy.rule_severity(&f.rule, f.severity);
                let enforcement = policy.rule_enforcement(&f.rule);
                let (mut at, _) = template.locate_nearest(&f.pointer);
                if let Some(narrowed) = f.highlight.as_deref().and_then(|h| template.narrow(at, h))
                {
                    at = narrowed;
                }
                Finding {
                    blocking: blocks(enforcement, severity, policy.blocking_severity),
                    enforcement: enforcement.as_str().to_string(),
                    rule: f.rule,
                    policy: policy_id.clone(),
                    severity,
                    message: f.message,
                    resource: f.resource,
                    pointer: f.pointer,
                    file: template.name().to_string(),
                    line: at.line,
                    column: at.column,
                    end_line: at.end_line,
                    end_column: at.end_column,
                    suppressed: None,
                    bytes: (at.start_byte, at.end_byte),
                }
            })
            .collect();
        // Every declared rule gets a status; rules the policy left out count as skipped.
        let mut rules: Vec<RuleResult> = report
            .rules
            .into_iter()
            .map(|r| RuleResult {
                status: if disabled(&r.rule) {
                    Status::Skip
                } else {
                    r.status
                },
                rule: r.rule,
                policy: policy_id.clone(),
            })
            .collect();
        for rule in &loaded.meta().rules {
            if !rules.iter().any(|r| r.rule == rule.id) {
                rules.push(RuleResult {
                    rule: rule.id.clone(),
                    policy: policy_id.clone(),
                    status: Status::Skip,
                });
            }
        }
        (findings, rules)
    }

    /// `--override RULE --reason TEXT` lifts soft-mandatory findings of that rule; it
    /// cannot lift hard-mandatory ones.
    fn apply_overrides(&self, findings: &mut [Finding]) {
        for finding in findings.iter_mut() {
            let Some(o) = self.overrides.iter().find(|o| o.rule == finding.rule) else {
                continue;
            };
            if finding.blocking && finding.enforcement == Enforcement::SoftMandatory.as_str() {
                finding.blocking = false;
                finding.suppressed = Some(Suppressed {
                    by: "override".to_string(),
                    reason: o.reason.clone(),
                });
            }
        }
    }
}

/// A blocking (unless advisory) `policy-error` finding at the top of the template.
fn policy_error(
    policy: &ActivePolicy,
    template: &Template,
    message: String,
) -> (Vec<Finding>, Vec<RuleResult>) {
    let mut finding = host_finding(
        template,
        policy.id(),
        POLICY_ERROR,
        Severity::Critical,
        format!("policy `{}`: {message}", policy.id()),
    );
    finding.blocking = policy.enforcement != Enforcement::Advisory;
    finding.enforcement = policy.enforcement.as_str().to_string();
    let status = RuleResult {
        rule: POLICY_ERROR.to_string(),
        policy: policy.id().to_string(),
        status: Status::Fail,
    };
    (vec![finding], vec![status])
}

/// A finding made by the host itself, at line 1.
pub(crate) fn host_finding(
    template: &Template,
    policy: &str,
    rule: &str,
    severity: Severity,
    message: String,
) -> Finding {
    let (at, _) = template.locate_nearest("");
    Finding {
        rule: rule.to_string(),
        policy: policy.to_string(),
        severity,
        message,
        resource: None,
        pointer: String::new(),
        file: template.name().to_string(),
        line: at.line,
        column: at.column,
        end_line: at.line,
        end_column: at.column,
        blocking: true,
        enforcement: Enforcement::HardMandatory.as_str().to_string(),
        suppressed: None,
        bytes: (0, 0),
    }
}

/// Fail on a load error, a failed `sam validate` or a blocking finding; warn on any
/// other unsuppressed finding.
pub fn template_verdict(report: &TemplateReport) -> Verdict {
    let sam_failed = report
        .sam
        .as_ref()
        .is_some_and(|s| s.status != SamStatus::Passed);
    if report.error.is_some() || sam_failed || report.findings.iter().any(|f| f.blocking) {
        Verdict::Fail
    } else if report.findings.iter().any(|f| f.suppressed.is_none()) {
        Verdict::Warn
    } else {
        Verdict::Pass
    }
}
