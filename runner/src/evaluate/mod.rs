//! Evaluating one template: each policy in the sandbox, on the document it reads (the
//! canonical JSON; for the built-in guard policy, cfn-guard's view of the file), with
//! its settings and the baseline. `sam validate` ([`sam`]) runs beside the policies.
//!
//! What comes out is each policy's report as it gave it, or why there is none: findings
//! still point into the template with JSON pointers ([`crate::locate`] turns them into
//! lines), and nothing is judged yet ([`crate::decide`]).

pub mod sam;

use preflight_policy::Report;
use preflight_template::Template;

use crate::guard::Guard;
use crate::load::policies::ActivePolicy;
use crate::sandbox::{EvalInput, LoadError, PolicyError};

/// Why a policy gave no report for a template.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    /// The policy could not be loaded in the first place.
    #[error("policy could not be loaded: {0}")]
    NotLoaded(#[source] LoadError),
    /// The evaluation failed in the sandbox.
    #[error(transparent)]
    Failed(#[from] PolicyError),
}

impl EvaluationError {
    /// The findings that fit the result limits, when the policy reported more.
    pub fn kept(&self) -> Option<&Report> {
        match self {
            EvaluationError::Failed(e) => e.kept(),
            EvaluationError::NotLoaded(_) => None,
        }
    }
}

/// The documents one template is evaluated on, made once for every policy.
pub struct Documents {
    /// The canonical JSON.
    template: String,
    /// cfn-guard's view, when a policy reads it.
    guard: Option<String>,
    /// The baseline's canonical JSON, when there is one.
    baseline: Option<String>,
    /// The template's path, for messages.
    path: String,
}

impl Documents {
    /// The documents `policies` read of `template`.
    pub fn new(
        template: &Template,
        baseline: Option<String>,
        path: &str,
        policies: &[ActivePolicy],
    ) -> Documents {
        Documents {
            template: template.to_json(),
            guard: policies
                .iter()
                .any(|p| p.guard.is_some())
                .then(|| Guard::template_json(template)),
            baseline,
            path: path.to_string(),
        }
    }
}

/// Evaluates `policy` on the documents: the built-in guard policy through its
/// isolation of failing rules files, every other policy directly.
pub fn evaluate(policy: &ActivePolicy, documents: &Documents) -> Result<Report, EvaluationError> {
    let loaded = match &policy.loaded {
        Ok(loaded) => loaded,
        Err(e) => return Err(EvaluationError::NotLoaded(e.clone())),
    };
    let template = match (&policy.guard, &documents.guard) {
        (Some(_), Some(guard)) => guard,
        _ => &documents.template,
    };
    let input = EvalInput {
        template,
        baseline: documents.baseline.as_deref(),
        path: &documents.path,
        settings: &policy.settings,
    };
    let report = match &policy.guard {
        Some(guard) => guard.evaluate(loaded, &input)?,
        None => loaded.evaluate(&input)?,
    };
    Ok(report)
}
