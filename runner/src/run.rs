//! One run over templates, the steps in order: load each template and its baseline,
//! evaluate every policy on it (and `sam validate` beside them), locate the findings,
//! decide what blocks, and sum up the verdict. Templates are checked in parallel on
//! rayon's pool; `sam validate` runs on its own threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use preflight_policy::diff::ChangeSet;
use preflight_policy::{Report, Severity};
use preflight_template::{Limits, Template};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::SuppressionConfig;
use crate::decide::{self, Override, Verdict, template_verdict};
use crate::evaluate::sam::{SamRunner, SamValidation};
use crate::evaluate::{self, Documents};
use crate::finding::{Enforcement, Finding, HostRule, RuleResult};
use crate::load::baseline::BaselineSource;
use crate::load::policies::ActivePolicy;
use crate::locate::{host_finding, locate};

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
    /// Why `sam validate` did not run, when it did not (set by the command line; shown
    /// to people).
    #[serde(skip)]
    pub sam_not_run: Option<String>,
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
    /// Its verdict, from its load error, `sam validate` and findings.
    pub fn verdict(&self) -> Verdict {
        template_verdict(self.error.is_some(), self.sam.as_ref(), &self.findings)
    }

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
        self.run_observed(paths, &|| {})
    }

    /// [`Checker::run`], calling `checked` (from any thread) as each template's policies
    /// finish: the command line draws its progress bar with it.
    pub fn run_observed(&self, paths: &[PathBuf], checked: &(dyn Fn() + Sync)) -> RunReport {
        let started = Instant::now();
        // Every rule's metadata, for suppressions that name a peer tool's id: made once
        // per run (it holds every rule's help text), not once per template.
        let catalog: HashMap<String, preflight_policy::RuleInfo> = self
            .policies
            .iter()
            .filter_map(|p| p.loaded.as_ref().ok())
            .flat_map(|l| l.meta().rules.iter().map(|r| (r.id.clone(), r.clone())))
            .collect();
        let (sam_results, mut templates) = std::thread::scope(|scope| {
            let sam = scope.spawn(|| self.sam_all(paths));
            let templates: Vec<TemplateReport> = paths
                .par_iter()
                .map(|p| {
                    let report = self.check_one(p, &catalog);
                    checked();
                    report
                })
                .collect();
            (sam.join().unwrap_or_default(), templates)
        });
        for (report, sam) in templates.iter_mut().zip(sam_results) {
            if let Some(sam) = sam {
                // A load error already fails the template; sam's view is still shown.
                report.sam = Some(sam);
                report.verdict = report.verdict();
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
                    error: p.loaded.as_ref().err().map(ToString::to_string),
                    rules: p
                        .loaded
                        .as_ref()
                        .map(|l| l.meta().rules.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            overrides: self.overrides.to_vec(),
            duration_ms: started.elapsed().as_millis() as u64,
            sam_not_run: None,
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

    fn check_one(
        &self,
        path: &Path,
        catalog: &HashMap<String, preflight_policy::RuleInfo>,
    ) -> TemplateReport {
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
                    // Bounded, and refused for what is not a regular file, like the load.
                    source: preflight_template::fs::read_to_string(path, self.limits.max_bytes)
                        .ok()
                        .map(Arc::from),
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
        let documents = Documents::new(
            &template,
            baseline.map(|b| b.to_json()),
            &name,
            self.policies,
        );
        let outcomes: Vec<(Vec<Finding>, Vec<RuleResult>)> = self
            .policies
            .par_iter()
            .map(|policy| {
                let judged = |report: Report| {
                    let findings = report
                        .findings
                        .into_iter()
                        .map(|f| locate(&template, policy.id(), f))
                        .collect();
                    decide::judge(policy, findings, report.rules)
                };
                match evaluate::evaluate(policy, &documents) {
                    Ok(report) => judged(report),
                    Err(e) => {
                        let (mut findings, mut rules) = decide::policy_error(policy, &template, &e);
                        // A report cut to fit the limits still fails closed, with what fit.
                        if let Some(kept) = e.kept() {
                            let (kept_findings, kept_rules) = judged(kept.clone());
                            findings.extend(kept_findings);
                            rules.extend(kept_rules);
                        }
                        (findings, rules)
                    }
                }
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
                HostRule::BaselineError,
                Severity::High,
                error.to_string(),
            ));
        }
        decide::suppress::apply(
            &template,
            &mut findings,
            catalog,
            self.suppressions,
            decide::suppress::today(),
        );
        decide::overrides::apply(self.overrides, &mut findings);
        decide::sort(&mut findings);
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
        report.verdict = report.verdict();
        report
    }
}
