//! `preflight approve DIGEST --reason TEXT`: a person approves a change set out of band,
//! for a deploy a coding agent starts through `preflight mcp`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::{Exit, Failure};
use crate::gate::approvals;
use crate::gate::state::{STATE_DIR, StateDir};

/// Arguments of `preflight approve`.
#[derive(Debug, Args)]
#[command(after_help = "\
Run it yourself, at a terminal: it refuses when standard input is not one, so an agent \
cannot approve its own change. The digest is printed by `preflight deploy --plan` and by \
the MCP tool plan_deploy; the approval is appended to .preflight/approvals.jsonl.")]
pub struct ApproveArgs {
    /// The digest of the change set to approve (64 hexadecimal digits).
    #[arg(value_name = "DIGEST")]
    digest: String,
    /// Why the changes are acceptable (recorded).
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// The state directory (default: .preflight in the working directory).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
}

/// Records the approval.
pub fn run(args: ApproveArgs) -> Result<Exit, Failure> {
    let state = StateDir::new(
        args.state_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(STATE_DIR)),
    );
    let approved = approvals::record(
        &state,
        &args.digest,
        &args.reason,
        std::io::stdin().is_terminal(),
    )
    .map_err(Failure::usage)?;
    let line = format!(
        "approved {} for {}: {} (recorded in {})\n",
        approved.digest,
        approved.by,
        approved.reason,
        approvals::path(&state).display()
    );
    super::write_stdout(line.as_bytes())?;
    Ok(Exit::Pass)
}
