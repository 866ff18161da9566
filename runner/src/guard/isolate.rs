//! When the built-in `guard` policy is stopped by the sandbox (a rule that recurses
//! without end, loops or exhausts memory), one rules file should not take the others'
//! results with it: the evaluation is made again one rules file at a time, and only the
//! file that is stopped again is reported, as `<file>/policy-error`.
//!
//! A rules file found that way is remembered by the loaded policy ([`Isolation`], kept
//! on it for as long as it lives): later templates evaluate the other files together
//! and that file on its own, so a bad file costs one sandbox limit per template rather
//! than two.

use std::collections::HashSet;
use std::sync::Mutex;

use preflight_policy::{Finding, Report, RuleStatus, Severity, Status};
use serde_json::Value;

use crate::finding::HostRule;
use crate::sandbox::{EvalInput, LoadedPolicy, PolicyError};

/// The rules files the sandbox has stopped so far, by name.
#[derive(Debug, Default)]
pub struct Isolation {
    stopped: Mutex<HashSet<String>>,
}

/// The guard settings with only `rules`, as JSON text.
fn with_rules(settings: &Value, rules: Vec<Value>) -> String {
    let mut settings = settings.clone();
    settings["rules"] = Value::Array(rules);
    settings.to_string()
}

fn rule_name(rule: &Value) -> String {
    rule["name"].as_str().unwrap_or("rules").to_string()
}

impl Isolation {
    /// Evaluates the guard policy, isolating rules files the sandbox stops. `Err` when
    /// the policy fails for another reason, or has a single rules file (then the error
    /// is the file's).
    pub fn evaluate(
        &self,
        loaded: &LoadedPolicy,
        input: &EvalInput<'_>,
    ) -> Result<Report, PolicyError> {
        let known: HashSet<String> = self.stopped.lock().map(|s| s.clone()).unwrap_or_default();
        // The usual case: every file together, nothing known to be stopped.
        let first_error = if known.is_empty() {
            match loaded.evaluate(input) {
                Err(e) if stopped_by_sandbox(&e) => Some(e),
                other => return other,
            }
        } else {
            None
        };
        let settings: Option<Value> = serde_json::from_str(input.settings).ok();
        let rules: Vec<Value> = settings
            .as_ref()
            .and_then(|s| s["rules"].as_array().cloned())
            .unwrap_or_default();
        let settings = match (settings, rules.len() > 1, first_error) {
            (Some(settings), true, _) => settings,
            (_, _, Some(e)) => return Err(e),
            _ => return loaded.evaluate(input),
        };
        let order: Vec<String> = rules.iter().map(rule_name).collect();
        let (mut alone, good): (Vec<Value>, Vec<Value>) = rules
            .into_iter()
            .partition(|r| known.is_empty() || known.contains(&rule_name(r)));
        let mut report = Report::default();
        if !good.is_empty() {
            let together = with_rules(&settings, good.clone());
            match loaded.evaluate(&EvalInput {
                settings: &together,
                ..input.clone()
            }) {
                Ok(r) => merge(&mut report, r),
                Err(e) if stopped_by_sandbox(&e) => alone.extend(good),
                Err(e) => return Err(e),
            }
        }
        for rule in alone {
            let name = rule_name(&rule);
            let one = with_rules(&settings, vec![rule]);
            match loaded.evaluate(&EvalInput {
                settings: &one,
                ..input.clone()
            }) {
                Ok(r) => merge(&mut report, r),
                Err(e) if stopped_by_sandbox(&e) => self.note(&mut report, &name, &e),
                Err(e) => return Err(e),
            }
        }
        // Statuses in the files' order, as one evaluation gives them.
        let position = |rule: &str| {
            let file = rule.rsplit_once('/').map_or(rule, |(file, _)| file);
            order.iter().position(|n| n == file).unwrap_or(usize::MAX)
        };
        report.rules.sort_by_key(|r| position(&r.rule));
        Ok(report)
    }

    /// Reports a rules file the sandbox stopped, and remembers it.
    fn note(&self, report: &mut Report, name: &str, error: &PolicyError) {
        if let Ok(mut s) = self.stopped.lock() {
            s.insert(name.to_string());
        }
        let rule = format!("{name}/{}", HostRule::PolicyError.id());
        report.findings.push(Finding {
            rule: rule.clone(),
            severity: Severity::Critical,
            message: format!("Guard rule file `{name}` was stopped by the sandbox: {error}"),
            resource: None,
            pointer: String::new(),
            highlight: None,
        });
        report.rules.push(RuleStatus {
            rule,
            status: Status::Fail,
        });
    }
}

fn stopped_by_sandbox(e: &PolicyError) -> bool {
    matches!(
        e,
        PolicyError::Timeout(_) | PolicyError::Memory(_) | PolicyError::Trap(..)
    )
}

fn merge(into: &mut Report, other: Report) {
    into.findings.extend(other.findings);
    into.rules.extend(other.rules);
}
