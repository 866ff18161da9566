//! preflight: gate AWS SAM / CloudFormation deploys on sandboxed policy checks.
//!
//! The library holds everything but the binary's entry point: the WebAssembly policy
//! host ([`engine`]), configuration, the run over templates, `sam validate`, verdicts
//! and reports, and the command line ([`cli`]), which renders errors and exit codes at
//! the edge.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod deploy;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod guard_isolate;
pub mod guard_test;
pub mod guard_view;
pub mod policies;
pub mod report;
pub mod run;
pub mod sam;
pub mod scaffold;
pub mod security;
pub mod suppress;
pub mod text;
pub mod verdict;
