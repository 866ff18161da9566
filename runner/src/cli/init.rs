//! `preflight init`: a commented preflight.toml for the project in the working
//! directory.

use std::path::PathBuf;

use clap::Args;

use super::{Exit, Failure};
use crate::scaffold::init;

/// Arguments of `preflight init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Print the file instead of writing it.
    #[arg(long)]
    print: bool,
}

/// Writes (or prints) the file; an existing preflight.toml is never replaced.
pub fn run(args: InitArgs) -> Result<Exit, Failure> {
    if args.print {
        let text = init::render(&args.dir).map_err(Failure::usage)?;
        super::write_stdout(text.as_bytes())?;
    } else {
        let path = init::write(&args.dir).map_err(Failure::usage)?;
        eprintln!(
            "wrote {}; check it with `preflight config schema` or run `preflight check`",
            path.display()
        );
    }
    Ok(Exit::Pass)
}
