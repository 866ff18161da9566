//! Everything Guard-specific, in one place: where the built-in `guard` policy (cfn-guard
//! 3.2.1 in the sandbox) differs from every other policy.
//!
//! - [`inputs`]: its rules files and input parameters, from configuration and the
//!   command line, read into its settings.
//! - [`view`]: it evaluates the template as cfn-guard's own loader reads it, not the
//!   canonical JSON, so Guard rules give the statuses they give under cfn-guard
//!   ([`tags`] is cfn-guard's table of short-form tags).
//! - [`isolate`]: when the sandbox stops it, the rules files are re-run one by one, so
//!   one bad file does not take the others' results with it; the files found are kept
//!   on the loaded policy ([`Guard`]).
//! - [`suite`]: `preflight policy test`, Guard rule unit tests in `cfn-guard test`'s
//!   format.
//!
//! The rest of the host knows only [`Guard`], carried by the loaded policy when it is
//! the built-in.

pub mod inputs;
pub mod isolate;
pub mod suite;
pub mod tags;
pub mod view;

use preflight_policy::Report;
use preflight_template::Template;

use crate::config::PolicyConfig;
use crate::sandbox::{EvalInput, LoadedPolicy, PolicyError};

/// The built-in guard policy's name in configuration.
pub const BUILTIN: &str = "guard";

/// The host's side of the built-in guard policy, kept on the loaded policy for as long
/// as it lives.
#[derive(Debug, Default)]
pub struct Guard {
    isolation: isolate::Isolation,
}

impl Guard {
    /// The host's side for the policy configured as `name`: `Some` for the built-in
    /// guard policy (not for a component file configured under that name).
    pub fn for_policy(name: &str, config: &PolicyConfig) -> Option<Guard> {
        (name == BUILTIN && config.path.is_none()).then(Guard::default)
    }

    /// The template as the guard policy reads it, as JSON text ([`view::json`]).
    pub fn template_json(template: &Template) -> String {
        view::json(template)
    }

    /// Evaluates the guard policy, isolating rules files the sandbox stops.
    pub fn evaluate(
        &self,
        loaded: &LoadedPolicy,
        input: &EvalInput<'_>,
    ) -> Result<Report, PolicyError> {
        self.isolation.evaluate(loaded, input)
    }
}
