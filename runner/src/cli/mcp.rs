//! `preflight mcp`: the Model Context Protocol server on stdio, for coding agents.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, Failure};

/// Arguments of `preflight mcp`.
#[derive(Debug, Args)]
#[command(after_help = "\
Register it with a coding agent as a stdio server whose command is `preflight mcp`, started \
in the project directory (or with --dir). Tools: check, audit, diff, explain_rule, \
plan_deploy, deploy. A deploy whose security changes need approval runs only after a \
person runs `preflight approve DIGEST --reason TEXT` at a terminal.")]
pub struct McpArgs {
    /// The project directory the tools work in (default: the current directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Serves until the client closes the connection.
pub fn run(args: McpArgs) -> Result<Exit, Failure> {
    let dir = match args.dir {
        Some(dir) => std::path::absolute(&dir).map_err(Failure::usage)?,
        None => std::env::current_dir().map_err(Failure::usage)?,
    };
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "{}: not a directory",
            dir.display()
        )));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))?;
    runtime
        .block_on(crate::mcp::serve(dir))
        .map_err(Failure::usage)?;
    Ok(Exit::Pass)
}
