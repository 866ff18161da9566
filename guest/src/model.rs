//! The SDK's own types for the contract: plain Rust, serde-ready, shared with the host.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How serious a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never a problem by itself.
    Info,
    /// Minor.
    Low,
    /// Should be fixed.
    Medium,
    /// Must be fixed.
    High,
    /// Must be fixed before anything else.
    Critical,
}

impl Severity {
    /// The lowercase name (`info` ... `critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one rule on one template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Applied, found nothing.
    Pass,
    /// Applied, found something.
    Fail,
    /// Did not apply.
    Skip,
}

impl Status {
    /// The lowercase name (`pass`, `fail`, `skip`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Levels for [`crate::log`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Very detailed.
    Trace,
    /// Detailed.
    Debug,
    /// Informative.
    Info,
    /// Something looks wrong.
    Warn,
    /// Something is wrong.
    Error,
}

/// The same check in another tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Equivalent {
    /// The tool, e.g. `cfn_nag`, `checkov`, `cfn-lint`.
    pub tool: String,
    /// Its rule ids, e.g. `["W2"]`.
    pub ids: Vec<String>,
}

/// What a policy says about one of its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Stable code, e.g. `TPL001`.
    pub id: String,
    /// Kebab-case name.
    pub name: String,
    /// One line.
    pub title: String,
    /// Severity unless a finding says otherwise.
    pub default_severity: Severity,
    /// Markdown: what it does, why it matters, example, fix.
    pub help: String,
    /// The same check in other tools.
    pub equivalents: Vec<Equivalent>,
}

/// What a policy says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyMeta {
    /// Stable id, e.g. `template`.
    pub id: String,
    /// The policy's version.
    pub version: String,
    /// One paragraph.
    pub description: String,
    /// Its rules.
    pub rules: Vec<RuleInfo>,
    /// Whether the host may reuse one instance for many evaluations.
    pub reusable: bool,
}

/// One evaluation request, parsed.
#[derive(Debug, Clone)]
pub struct Input {
    /// The template's canonical JSON value.
    pub template: Value,
    /// The baseline (last deployed) template, if any.
    pub baseline: Option<Value>,
    /// The template's path, for messages.
    pub path: String,
    /// The policy's settings (`{}` when none).
    pub settings: Value,
}

impl Input {
    /// Parses the JSON texts the host sends.
    pub fn from_json(
        template: &str,
        baseline: Option<&str>,
        path: &str,
        settings: &str,
    ) -> Result<Input, String> {
        let parse = |what: &str, text: &str| {
            crate::json::parse(text).map_err(|e| format!("{what} is not valid JSON: {e}"))
        };
        Ok(Input {
            template: parse("template", template)?,
            baseline: baseline.map(|b| parse("baseline", b)).transpose()?,
            path: path.to_string(),
            settings: if settings.trim().is_empty() {
                Value::Object(Default::default())
            } else {
                parse("settings", settings)?
            },
        })
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Logical id of the resource concerned.
    pub resource: Option<String>,
    /// JSON pointer into the template.
    pub pointer: String,
    /// Text inside the pointed node to narrow the location to.
    pub highlight: Option<String>,
}

impl Finding {
    /// Overrides the severity.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }

    /// Narrows the location to `text` inside the pointed node.
    pub fn highlight(&mut self, text: impl Into<String>) -> &mut Self {
        self.highlight = Some(text.into());
        self
    }
}

/// The status of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleStatus {
    /// Rule id.
    pub rule: String,
    /// Its status.
    pub status: Status,
}

/// The answer to one evaluation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Findings, in the order found.
    pub findings: Vec<Finding>,
    /// One status per rule evaluated.
    pub rules: Vec<RuleStatus>,
}
