//! Built-in policy `rego`: the user's Rego files (OPA, conftest conventions), evaluated
//! by the regorus engine inside the sandbox.
//!
//! The host reads the `.rego` files named in configuration and passes their text in the
//! settings ([`settings`]); `input` is the template's canonical JSON (short-form tags in
//! long form: `{"Ref": "X"}`). All files load into one engine, parsed once per instance
//! ([`engine`]); in every package the conftest rules are evaluated: `deny`, `violation`
//! and `warn`, alone or with a suffix (`deny_public_bucket`), with `exception` exempting
//! suffixed rules as conftest does. Each result becomes a finding ([`results`]); an
//! object result with a `path`, `pointer` or `resource` gets a line and column.
//!
//! Rule ids are dynamic: `<package>/<rule>` (`main/deny`, `aws.s3/deny_unversioned`),
//! and `<file>/parse-error` for a file that does not parse: such a file is reported and
//! the others are still evaluated. A rule that cannot be evaluated (conflicting values,
//! an error in a built-in) fails with one finding saying why.

#![warn(missing_docs)]

pub mod engine;
pub mod results;
pub mod settings;

use std::collections::BTreeMap;

use preflight_policy::{
    Finding, Input, LogLevel, Policy, PolicyMeta, Report, RuleStatus, Severity, Status,
};
use serde_json::Value;

use crate::engine::Compiled;
use crate::settings::Settings;

/// The `rego` policy.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegoPolicy;

const DESCRIPTION: &str = "Evaluates Rego files (Open Policy Agent's language, with the \
    conftest conventions) against the template: in every package, the rules `deny`, \
    `violation` and `warn` (alone or with a suffix, e.g. `deny_public_bucket`) over `input`, \
    the template as canonical JSON. Rule ids are `<package>/<rule>`; each result is a \
    finding, located when the result is an object with a `path`, `pointer` or `resource`. \
    A file that does not parse is reported as `<file>/parse-error` (high) and the other \
    files are still evaluated.";

impl Policy for RegoPolicy {
    fn metadata() -> PolicyMeta {
        PolicyMeta {
            id: "rego".to_string(),
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

/// Evaluates the Rego files of `settings` against `template` (the canonical JSON value).
///
/// Errors are for settings that cannot be used at all (a data document regorus refuses);
/// a broken file or rule is a finding instead.
pub fn evaluate(settings: &Settings, template: &Value) -> Result<Report, String> {
    let compiled = engine::compile(settings);
    if let Some(e) = &compiled.data_error {
        return Err(format!("the rego `data` setting cannot be loaded: {e}"));
    }
    let mut report = Report::default();
    for e in &compiled.errors {
        let at = match (e.line, e.column) {
            (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
            (Some(l), None) => format!(" at line {l}"),
            _ => String::new(),
        };
        failure(
            &mut report,
            format!("{}/parse-error", e.file),
            format!("Rego file `{}` does not parse{at}: {}", e.file, e.message),
        );
    }
    if compiled.rules.is_empty() {
        return Ok(report);
    }
    compiled.set_input(template);
    let excepted = exceptions(&compiled, settings, &mut report);
    for rule in &compiled.rules {
        if !settings.evaluates(&rule.package) {
            continue;
        }
        let id = rule.id();
        let exempt = rule.exception_name().is_some_and(|name| {
            excepted
                .get(rule.package.as_str())
                .is_some_and(|names| names.iter().any(|n| n == name))
        });
        if exempt || settings.disable.contains(&id) {
            report.rules.push(RuleStatus {
                rule: id,
                status: Status::Skip,
            });
            continue;
        }
        let path = format!("data.{}.{}", rule.package, rule.name);
        match compiled.eval(&rule.package, &rule.name) {
            Ok(value) => {
                let severity =
                    settings.severity_for(&rule.package, &rule.name, rule.kind.is_warning());
                let findings: Vec<Finding> = value
                    .map(|v| results::results(&v, &path))
                    .unwrap_or_default()
                    .iter()
                    .map(|r| results::outcome(r, template).finding(&id, severity))
                    .collect();
                let status = if findings.is_empty() {
                    Status::Pass
                } else {
                    Status::Fail
                };
                report.findings.extend(findings);
                report.rules.push(RuleStatus { rule: id, status });
            }
            Err(e) => {
                preflight_policy::log(LogLevel::Debug, &format!("rego: {path} failed: {e}"));
                failure(
                    &mut report,
                    id,
                    format!("`{path}` could not be evaluated: {e}"),
                );
            }
        }
    }
    Ok(report)
}

/// The rule names each package's `exception` rule exempts this template from (conftest:
/// a set of lists of names, or of names, without the `deny_` / `violation_` / `warn_`
/// prefix). An `exception` that cannot be evaluated fails as `<package>/exception`.
fn exceptions<'a>(
    compiled: &'a Compiled,
    settings: &Settings,
    report: &mut Report,
) -> BTreeMap<&'a str, Vec<String>> {
    let mut out = BTreeMap::new();
    for package in compiled.exceptions.iter().filter(|p| settings.evaluates(p)) {
        match compiled.eval(package, "exception") {
            Ok(value) => {
                let names = value
                    .map(|v| results::results(&v, "exception"))
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|r| match r {
                        Value::Array(items) => items,
                        other => vec![other],
                    })
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect();
                out.insert(package.as_str(), names);
            }
            Err(e) => failure(
                report,
                format!("{package}/exception"),
                format!("`data.{package}.exception` could not be evaluated: {e}"),
            ),
        }
    }
    out
}

/// Reports a file or rule that could not be used, under `rule`.
fn failure(report: &mut Report, rule: String, message: String) {
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
preflight_policy::export_policy!(RegoPolicy);
