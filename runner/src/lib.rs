//! preflight: gate AWS SAM / CloudFormation deploys on sandboxed policy checks.
//!
//! The modules follow one run, in order:
//!
//! | step | module | job |
//! |---|---|---|
//! | configure | [`config`] | `preflight.toml`: what runs, how strictly, with what limits |
//! | load | [`load`] | the policies to run, the templates to audit, their baselines |
//! | evaluate | [`evaluate`] | each policy in the [`sandbox`], and `sam validate`, on one template |
//! | locate | [`locate`] | a finding's JSON pointer becomes file, line and column |
//! | decide | [`decide`] | severity, enforcement, suppressions, overrides: what blocks, and the verdict |
//! | run | [`run`] | the steps above over every template, into one [`run::RunReport`] |
//! | report | [`report`] | the run for people, machines, code scanning, CI and pull requests |
//! | gate | [`gate`] | `preflight deploy`: approval, the deploy command, verification, the record |
//!
//! Beside the flow: [`guard`] holds everything Guard-specific (cfn-guard's view of a
//! template, isolating a rules file the sandbox stops, `policy test`); [`rego`] reads
//! the built-in rego policy's `.rego` files into its settings; [`cases`] is `policy
//! test` with YAML test cases for any other policy; [`finding`] is
//! the vocabulary every step shares; [`style`] and [`text`] help write for people;
//! [`mcp`] serves the gate to coding agents (Model Context Protocol);
//! [`scaffold`] writes new policy crates and `preflight init`'s configuration; [`adopt`]
//! keeps the findings a repository already had (findings baselines) out of new runs; [`cli`] is the edge, which renders errors and
//! exit codes.

pub mod adopt;
pub mod cases;
pub mod cli;
pub mod decide;
pub mod evaluate;
pub mod finding;
pub mod gate;
pub mod guard;
pub mod load;
pub mod locate;
pub mod mcp;
pub mod rego;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod scaffold;
pub mod style;
pub mod text;

/// `preflight.toml` (the `preflight-config` crate, kept apart so its fuzz target
/// builds without the sandbox).
pub use preflight_config as config;

/// `sam validate` (kept at the crate root too: tests look `sam` up through it).
pub use evaluate::sam;
