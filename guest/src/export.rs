//! Glue between a [`Policy`] and the generated component exports.

use crate::bindings::preflight::policy::types as wit;
use crate::model::{Finding, LogLevel, PolicyMeta, Report, Severity, Status};
use crate::{Input, Policy};

/// Exports a [`Policy`] as the component's `metadata` and `evaluate` functions. Use once,
/// in the crate root of a policy built for `wasm32-wasip2`.
#[macro_export]
macro_rules! export_policy {
    ($policy:ty) => {
        #[doc(hidden)]
        pub struct __PreflightPolicyExport;

        impl $crate::bindings::Guest for __PreflightPolicyExport {
            fn metadata() -> $crate::bindings::preflight::policy::types::PolicyMetadata {
                $crate::__metadata::<$policy>()
            }
            fn evaluate(
                input: $crate::bindings::preflight::policy::types::Input,
            ) -> Result<$crate::bindings::preflight::policy::types::Report, String> {
                $crate::__evaluate::<$policy>(input)
            }
        }

        $crate::bindings::__export_policy_world!(
            __PreflightPolicyExport with_types_in $crate::bindings
        );
    };
}

#[doc(hidden)]
pub fn __metadata<P: Policy>() -> wit::PolicyMetadata {
    meta_to_wit(P::metadata())
}

std::thread_local! {
    /// The input of the evaluation before, freed when the next one begins. Most instances
    /// evaluate once and are then thrown away whole, so freeing a large template's
    /// millions of nodes one by one at the end would be time spent for nothing: a fifth
    /// of each guest's time on a 5 MiB template of small nested collections. An instance
    /// the host reuses frees it before it parses the next input, so its peak memory is
    /// what it was.
    static PREVIOUS_INPUT: std::cell::RefCell<Option<Input>> = const { std::cell::RefCell::new(None) };
}

#[doc(hidden)]
pub fn __evaluate<P: Policy>(input: wit::Input) -> Result<wit::Report, String> {
    PREVIOUS_INPUT.with_borrow_mut(|previous| drop(previous.take()));
    let parsed = Input::from_json(
        &input.template,
        input.baseline.as_deref(),
        &input.path,
        &input.settings,
    )?;
    // The texts are parsed: their memory goes back to the allocator for the evaluation.
    drop(input);
    let report = P::evaluate(&parsed).map(report_to_wit);
    PREVIOUS_INPUT.with_borrow_mut(|previous| *previous = Some(parsed));
    report
}

fn meta_to_wit(meta: PolicyMeta) -> wit::PolicyMetadata {
    wit::PolicyMetadata {
        id: meta.id,
        version: meta.version,
        description: meta.description,
        rules: meta
            .rules
            .into_iter()
            .map(|r| wit::RuleMetadata {
                id: r.id,
                name: r.name,
                title: r.title,
                default_severity: r.default_severity.into(),
                help: r.help,
                equivalents: r
                    .equivalents
                    .into_iter()
                    .map(|e| wit::Equivalent {
                        tool: e.tool,
                        ids: e.ids,
                    })
                    .collect(),
            })
            .collect(),
        reusable: meta.reusable,
    }
}

fn report_to_wit(report: Report) -> wit::Report {
    wit::Report {
        findings: report.findings.into_iter().map(finding_to_wit).collect(),
        rules: report
            .rules
            .into_iter()
            .map(|r| wit::RuleStatus {
                rule: r.rule,
                status: match r.status {
                    Status::Pass => wit::Status::Pass,
                    Status::Fail => wit::Status::Fail,
                    Status::Skip => wit::Status::Skip,
                },
            })
            .collect(),
    }
}

fn finding_to_wit(f: Finding) -> wit::Finding {
    wit::Finding {
        rule: f.rule,
        severity: f.severity.into(),
        message: f.message,
        resource: f.resource,
        pointer: f.pointer,
        highlight: f.highlight,
    }
}

impl From<Severity> for wit::Severity {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Info => wit::Severity::Info,
            Severity::Low => wit::Severity::Low,
            Severity::Medium => wit::Severity::Medium,
            Severity::High => wit::Severity::High,
            Severity::Critical => wit::Severity::Critical,
        }
    }
}

impl From<LogLevel> for wit::LogLevel {
    fn from(l: LogLevel) -> Self {
        match l {
            LogLevel::Trace => wit::LogLevel::Trace,
            LogLevel::Debug => wit::LogLevel::Debug,
            LogLevel::Info => wit::LogLevel::Info,
            LogLevel::Warn => wit::LogLevel::Warn,
            LogLevel::Error => wit::LogLevel::Error,
        }
    }
}
