//! `preflight diff OLD NEW`: the security diff between two templates.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use preflight_template::Template;

use super::common::load_config;
use super::{Exit, Failure};
use crate::report::changes::write_tables;

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Tables like `cdk diff`.
    Human,
    /// `{"broadening", "digest", "changes": [...]}`.
    Json,
}

/// Arguments of `preflight diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The template as deployed (YAML or JSON).
    old: PathBuf,
    /// The template about to be deployed.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// Exit 1 when any change broadens permissions or exposure.
    #[arg(long)]
    fail_on_broadening: bool,
    /// Configuration file (for loader limits).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Prints the security diff.
pub fn run(args: DiffArgs) -> Result<Exit, Failure> {
    let config = load_config(args.config.as_deref())?;
    let limits = config.loader_limits();
    let old = Template::load(&args.old, &limits).map_err(Failure::usage)?;
    let new = Template::load(&args.new, &limits).map_err(Failure::usage)?;
    // A scalar or a list has no resources to compare: saying "no changes" would hide
    // that the file is not a template at all.
    for template in [&old, &new] {
        if !template.value().is_object() {
            return Err(Failure::usage(format!(
                "{}: a template is a mapping (with `Resources`), not {}",
                template.name(),
                match template.value() {
                    serde_json::Value::Array(_) => "a list",
                    _ => "a single value",
                }
            )));
        }
    }
    let changes = preflight_policy::diff::diff(old.value(), new.value());
    let mut out = anstream::stdout().lock();
    let written = match args.format {
        DiffFormat::Json => serde_json::to_writer_pretty(&mut out, &changes)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        DiffFormat::Human => write_tables(&changes, &mut out),
    };
    super::output_ended(written).map_err(|e| Failure::usage(format!("cannot write: {e}")))?;
    Ok(if args.fail_on_broadening && changes.broadening {
        Exit::Findings
    } else {
        Exit::Pass
    })
}
