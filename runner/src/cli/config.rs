//! `preflight config schema`: the JSON Schema of `preflight.toml`, for editors (taplo,
//! Even Better TOML) and for validating configuration in CI.

use clap::Subcommand;

use super::{Exit, Failure};
use crate::config::Config;

/// `preflight config ...`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the JSON Schema of preflight.toml.
    Schema,
}

/// Runs a `config` subcommand.
pub fn run(command: ConfigCommand) -> Result<Exit, Failure> {
    match command {
        ConfigCommand::Schema => {
            let text = serde_json::to_string_pretty(&Config::json_schema())
                .map_err(|e| Failure::usage(format!("cannot render the schema: {e}")))?;
            super::write_stdout(format!("{text}\n").as_bytes())?;
            Ok(Exit::Pass)
        }
    }
}
