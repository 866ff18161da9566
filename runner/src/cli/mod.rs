//! The command line: parses arguments, runs a command, renders errors once, and maps
//! outcomes to exit codes (see [`Exit`]).

mod approve;
mod audit;
mod check;
mod common;
mod config;
mod deploy;
mod diff;
mod init;
mod mcp;
mod policy;
mod precompile;
mod progress;
mod terminal;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::load::policies::BuiltinComponent;
use crate::style::{ERROR, RESET};

/// Exit codes, as documented in DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Passed (warnings may have been printed).
    Pass = 0,
    /// Blocking findings (check, audit, diff with `--fail-on-broadening`).
    Findings = 1,
    /// Usage, configuration or input error.
    Usage = 2,
    /// Deploy blocked by the gate; the command did not start.
    Blocked = 3,
    /// The deploy command failed, or verification after it failed.
    DeployFailed = 4,
}

/// An error that ends the command, with its exit code; rendered once, in [`main`].
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub exit: Exit,
    /// What to tell the user.
    pub message: String,
}

impl Failure {
    /// A usage, configuration or input error (exit 2).
    pub fn usage(message: impl std::fmt::Display) -> Failure {
        Failure {
            exit: Exit::Usage,
            message: message.to_string(),
        }
    }
}

/// A closed standard output (`| head`) is a normal end of the output, not an error:
/// what was written reached the reader, and the command ends as it would have (a
/// deploy goes on and records its outcome).
pub(crate) fn output_ended(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes `bytes` to standard output and flushes it; a closed standard output is a
/// normal end ([`output_ended`]), any other failure an error.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    output_ended(stdout.write_all(bytes).and_then(|_| stdout.flush()))
        .map_err(|e| Failure::usage(format!("cannot write to standard output: {e}")))
}

/// preflight checks AWS SAM and CloudFormation templates with sandboxed WebAssembly
/// policies and `sam validate`, flags security changes, and gates deploys on the result.
#[derive(Debug, Parser)]
#[command(name = "preflight", version, max_term_width = 100)]
struct Cli {
    /// More log output on stderr (-v: info, -vv: debug, -vvv: trace). PREFLIGHT_LOG
    /// takes a tracing filter instead.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check templates: policies and `sam validate`, with findings located in the source.
    Check(check::CheckArgs),
    /// Find every SAM / CloudFormation template under the given paths and check them.
    Audit(audit::AuditArgs),
    /// Gate a deploy: check, approve security changes, run the command, verify, record.
    Deploy(deploy::DeployArgs),
    /// The security diff between two templates: IAM, network, exposure and stateful
    /// changes, each marked broadening or not, with a digest of the change set.
    Diff(diff::DiffArgs),
    /// List, inspect and test policies.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Serve the gate to coding agents: a Model Context Protocol server on stdio.
    Mcp(mcp::McpArgs),
    /// Approve a change set by its digest, at a terminal, for a deploy an agent starts.
    Approve(approve::ApproveArgs),
    /// Write a commented preflight.toml from samconfig.toml and the templates found.
    Init(init::InitArgs),
    /// The configuration file: `preflight config schema` prints its JSON Schema.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Print the completion script for a shell (bash, zsh, fish, powershell, elvish).
    Completions(terminal::CompletionsArgs),
    /// Print the manual page (roff), e.g. `preflight man -o target/man/preflight.1`.
    Man(terminal::ManArgs),
    /// Maintenance commands used by the build.
    #[command(subcommand, hide = true, name = "self")]
    SelfCmd(precompile::SelfCommand),
}

/// Runs the command line with the given built-in policies and returns the exit code.
pub fn main(builtins: &[BuiltinComponent]) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { Exit::Usage as u8 } else { 0 });
        }
    };
    init_logging(cli.verbose);
    preflight_template::quiet_compat_parser_panics();
    let result = match cli.command {
        Command::Check(args) => check::run(args, builtins),
        Command::Audit(args) => audit::run(args, builtins),
        Command::Deploy(args) => deploy::run(args, builtins),
        Command::Diff(args) => diff::run(args),
        Command::Policy(cmd) => policy::run(cmd, builtins),
        Command::SelfCmd(cmd) => precompile::run(cmd, builtins),
        Command::Init(args) => init::run(args),
        Command::Mcp(args) => mcp::run(args),
        Command::Approve(args) => approve::run(args),
        Command::Config(cmd) => config::run(cmd),
        Command::Completions(args) => terminal::completions(args, Cli::command()),
        Command::Man(args) => terminal::man(args, Cli::command()),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(failure) => {
            let mut stderr = anstream::stderr();
            let _ = std::io::Write::write_fmt(
                &mut stderr,
                format_args!("{ERROR}error{RESET}: {}\n", failure.message),
            );
            ExitCode::from(failure.exit as u8)
        }
    }
}

fn init_logging(verbose: u8) {
    let filter = std::env::var("PREFLIGHT_LOG").unwrap_or_else(|_| {
        match verbose {
            0 => "warn",
            1 => "info",
            2 => "debug",
            _ => "trace",
        }
        .to_string()
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
