//! Deciding what the findings mean: each finding's severity and enforcement
//! (configuration over the rule's own), whether it blocks, which rules are turned off,
//! what a failing policy costs (fail closed), what template suppressions
//! ([`suppress`]) and `--override`s ([`overrides`]) lift, and the template's
//! [`Verdict`] ([`verdict`]).

pub mod overrides;
pub mod suppress;
pub mod verdict;

use std::collections::HashSet;

use preflight_policy::{RuleStatus, Severity, Status};
use preflight_template::Template;

pub use overrides::Override;
pub use verdict::{Verdict, template_verdict};

use crate::evaluate::EvaluationError;
use crate::finding::{Enforcement, Finding, HostRule, RuleResult};
use crate::load::policies::ActivePolicy;
use crate::locate::host_finding;

/// Whether a finding blocks: its rule's enforcement is mandatory and its severity reaches
/// the policy's blocking severity. (Suppressions and overrides are applied afterwards.)
pub fn blocks(enforcement: Enforcement, severity: Severity, blocking_severity: Severity) -> bool {
    enforcement != Enforcement::Advisory && severity >= blocking_severity
}

/// The enforcement of `policy`'s `rule`, after `[policies.<name>.rule.<ID>]`.
pub fn rule_enforcement(policy: &ActivePolicy, rule: &str) -> Enforcement {
    policy
        .config
        .rule
        .get(rule)
        .and_then(|o| o.enforcement)
        .unwrap_or(policy.enforcement)
}

/// The severity of a finding of `policy`'s `rule`, after `[policies.<name>.rule.<ID>]`.
pub fn rule_severity(policy: &ActivePolicy, rule: &str, reported: Severity) -> Severity {
    policy
        .config
        .rule
        .get(rule)
        .and_then(|o| o.severity)
        .unwrap_or(reported)
}

/// Judges one policy's located findings and its rules' statuses. Rules turned off in
/// `disable` are dropped here whatever the policy did with the list (the SDK skips them
/// itself, to save the work; a policy of another make may not), and count as skipped.
/// Every declared rule gets a status; rules the policy left out count as skipped.
pub fn judge(
    policy: &ActivePolicy,
    findings: Vec<Finding>,
    statuses: Vec<RuleStatus>,
) -> (Vec<Finding>, Vec<RuleResult>) {
    let disabled = |rule: &str| policy.config.disable.iter().any(|d| d == rule);
    let findings = findings
        .into_iter()
        .filter(|f| !disabled(&f.rule))
        .map(|mut f| {
            f.severity = rule_severity(policy, &f.rule, f.severity);
            f.enforcement = rule_enforcement(policy, &f.rule);
            f.blocking = blocks(f.enforcement, f.severity, policy.blocking_severity);
            f
        })
        .collect();
    let policy_id = policy.id().to_string();
    let mut rules: Vec<RuleResult> = statuses
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
    if let Ok(loaded) = &policy.loaded {
        // A set, not a scan of `rules` per rule: with a hundred-odd rules a policy, the
        // scans were about 3% of a whole audit's CPU.
        let mut seen: HashSet<&str> = rules.iter().map(|r| r.rule.as_str()).collect();
        let unreported: Vec<RuleResult> = loaded
            .meta()
            .rules
            .iter()
            .filter(|rule| seen.insert(rule.id.as_str()))
            .map(|rule| RuleResult {
                rule: rule.id.clone(),
                policy: policy_id.clone(),
                status: Status::Skip,
            })
            .collect();
        drop(seen);
        rules.extend(unreported);
    }
    (findings, rules)
}

/// A policy that gave no report fails closed: a critical `policy-error` finding at the
/// top of the template, blocking unless the policy is advisory.
pub fn policy_error(
    policy: &ActivePolicy,
    template: &Template,
    error: &EvaluationError,
) -> (Vec<Finding>, Vec<RuleResult>) {
    let mut finding = host_finding(
        template,
        policy.id(),
        HostRule::PolicyError,
        Severity::Critical,
        format!("policy `{}`: {error}", policy.id()),
    );
    finding.blocking = policy.enforcement != Enforcement::Advisory;
    finding.enforcement = policy.enforcement;
    let status = RuleResult {
        rule: HostRule::PolicyError.id().to_string(),
        policy: policy.id().to_string(),
        status: Status::Fail,
    };
    (vec![finding], vec![status])
}

/// Blocking findings first, then by location and rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (b.blocking, a.line, a.column, &a.rule).cmp(&(a.blocking, b.line, b.column, &b.rule))
    });
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
