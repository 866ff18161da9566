//! Built-in policy `guard`: AWS CloudFormation Guard rule files, evaluated by the
//! cfn-guard 3.2.1 library inside the sandbox.
//!
//! The host reads the rule files and parameter files named in configuration and passes
//! their contents in the settings (see [`settings`]); the template arrives as JSON (the
//! host gives this policy the template as cfn-guard's own loader reads it). Each rule
//! file is parsed once per instance ([`engine`]); the template, with its parameters
//! merged in ([`data`]), is read once per evaluation and every file is evaluated against
//! it. cfn-guard's report ([`report`]) becomes one status per rule and one finding per
//! failed clause ([`findings`]), located with a JSON pointer ([`pointer`]).
//!
//! Rule ids are dynamic: `<rule file name>/<RULE_NAME>`, and `<rule file
//! name>/parse-error` or `/eval-error` when a file cannot be parsed or evaluated. Such
//! a file is reported and the others are still evaluated.

pub mod data;
pub mod engine;
pub mod findings;
pub mod pointer;
pub mod report;
pub mod settings;

use preflight_policy::{
    Finding, Input, LogLevel, Policy, PolicyMeta, Report, RuleStatus, Severity, Status,
};

use crate::engine::Parsed;
use crate::findings::FileOutcome;
use crate::settings::Settings;

/// The `guard` policy.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuardPolicy;

/// What the policy says about itself.
const DESCRIPTION: &str = "Evaluates AWS CloudFormation Guard rule files (the cfn-guard 3.2.1 \
    engine, embedded) against the template, with optional Guard input parameters merged in, \
    as `cfn-guard validate` does. Rules come from configuration, so rule ids are dynamic: \
    `<rule file>/<RULE_NAME>`, each with cfn-guard's own pass/fail/skip status; every failed \
    clause is a finding at the property it reached, with the rule's `<< >>` message when it \
    has one. A rule file that does not parse or cannot be evaluated is reported as \
    `<rule file>/parse-error` or `<rule file>/eval-error` (high) and the other files are \
    still evaluated.";

impl Policy for GuardPolicy {
    fn metadata() -> PolicyMeta {
        PolicyMeta {
            id: "guard".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: DESCRIPTION.to_string(),
            rules: Vec::new(),
            reusable: true,
        }
    }

    fn evaluate(input: &Input) -> Result<Report, String> {
        let settings = Settings::from_json(&input.settings)?;
        evaluate(&settings, &input.template)
    }
}

/// Evaluates every rule file of `settings` against `template` (the canonical JSON
/// value).
///
/// Errors are for settings that cannot be used at all (parameters that cannot be merged
/// into the template, as `cfn-guard validate` refuses them too); a broken rule file is a
/// finding instead.
pub fn evaluate(settings: &Settings, template: &serde_json::Value) -> Result<Report, String> {
    let merged = data::merge_parameters(&settings.parameters, template)?;
    let text = serde_json::to_string(&merged).map_err(|e| e.to_string())?;
    // The document is read once for every rules file (a rules file is parsed once per
    // instance); a document cfn-guard cannot read fails every file that has rules.
    let data = engine::load(&text);
    let mut report = Report::default();
    for file in &settings.rules {
        let entry = engine::parse(&file.name, &file.text);
        let names = match entry.parsed() {
            Parsed::Empty => continue,
            Parsed::Error(e) => {
                let at = match (e.line, e.column) {
                    (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
                    (Some(l), None) => format!(" at line {l}"),
                    _ => String::new(),
                };
                error(
                    &mut report,
                    &file.name,
                    "parse-error",
                    format!(
                        "Guard rule file `{}` does not parse{at}: {}",
                        file.name, e.message
                    ),
                );
                continue;
            }
            Parsed::Rules(names) => names,
        };
        let evaluated = match &data {
            Ok(data) => engine::evaluate(&entry, data),
            Err(e) => Err(e.clone()),
        };
        match evaluated {
            Ok(None) => {}
            Ok(Some(file_report)) => {
                let outcome = FileOutcome {
                    file: &file.name,
                    names,
                    report: &file_report,
                    template,
                };
                let (statuses, findings) = outcome.convert(settings);
                report.rules.extend(statuses);
                report.findings.extend(findings);
            }
            Err(e) => {
                preflight_policy::log(
                    LogLevel::Debug,
                    &format!("guard: {} failed: {e}", file.name),
                );
                error(
                    &mut report,
                    &file.name,
                    "eval-error",
                    format!(
                        "Guard rule file `{}` could not be evaluated: {}",
                        file.name,
                        engine::shorten(&e, 500)
                    ),
                );
            }
        }
    }
    Ok(report)
}

/// Reports a rule file that could not be used, under `<file>/<what>`.
fn error(report: &mut Report, file: &str, what: &str, message: String) {
    let rule = format!("{file}/{what}");
    report.findings.push(Finding {
        rule: rule.clone(),
        severity: Severity::High,
        message,
        resource: None,
        pointer: String::new(),
        highlight: None,
    });
    report.rules.push(RuleStatus {
        rule,
        status: Status::Fail,
    });
}

#[cfg(target_arch = "wasm32")]
preflight_policy::export_policy!(GuardPolicy);

// SAFETY: a policy instance is single-threaded WebAssembly, which `TalckWasm` requires.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn statuses(every_status: bool) -> Vec<(String, Status)> {
        // Two rules share a name: one passes, one fails.
        let settings = Settings::from_json(&json!({
            "rules": [{"name": "d.guard", "text":
                "rule R { Resources exists }\nrule R { Nothing exists }\nrule S when Nothing exists { Resources exists }"}],
            "every_status": every_status,
        }))
        .unwrap();
        let report = evaluate(&settings, &json!({"Resources": {}})).unwrap();
        report
            .rules
            .into_iter()
            .map(|r| (r.rule, r.status))
            .collect()
    }

    #[test]
    fn a_shared_name_reports_the_worst_status_or_every_status() {
        let worst = statuses(false);
        assert_eq!(
            worst,
            vec![
                ("d.guard/R".to_string(), Status::Fail),
                ("d.guard/S".to_string(), Status::Skip)
            ]
        );
        let every = statuses(true);
        assert_eq!(
            every,
            vec![
                ("d.guard/R".to_string(), Status::Fail),
                ("d.guard/R".to_string(), Status::Pass),
                ("d.guard/S".to_string(), Status::Skip)
            ]
        );
    }
}
