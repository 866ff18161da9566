//! preflight: gate AWS SAM / CloudFormation deploys on sandboxed policy checks.
//!
//! The library holds everything but the command line: the WebAssembly policy host
//! ([`engine`]), configuration, the run over templates, `sam validate`, verdicts and
//! reports. The `preflight` binary renders errors and exit codes at the edge.

pub mod engine;
