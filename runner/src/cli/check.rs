//! `preflight check TEMPLATE...`

use std::path::PathBuf;

use clap::Args;

use super::common::{CheckOptions, check_and_report, end_with, load_config};
use super::{Exit, Failure};
use crate::config::SamMode;
use crate::load::policies::BuiltinComponent;

/// Arguments of `preflight check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Template files (YAML or JSON).
    #[arg(required = true, value_name = "TEMPLATE")]
    templates: Vec<PathBuf>,
    /// Run `sam validate`: when on PATH (auto), always (required), or never (off).
    #[arg(long, value_enum, value_name = "MODE")]
    sam: Option<SamMode>,
    /// Pass over files that do not look like SAM / CloudFormation templates (for hooks
    /// that hand over every changed YAML or JSON file).
    #[arg(long)]
    skip_non_templates: bool,
    #[command(flatten)]
    options: CheckOptions,
}

/// Checks the named templates.
pub fn run(args: CheckArgs, builtins: &[BuiltinComponent]) -> Result<Exit, Failure> {
    let config = load_config(args.options.config.as_deref())?;
    let sam = args.sam.or(config.sam.mode).unwrap_or(SamMode::Auto);
    let templates: Vec<PathBuf> = if args.skip_non_templates {
        args.templates
            .into_iter()
            .filter(|t| crate::load::discover::is_template(t))
            .collect()
    } else {
        args.templates
    };
    if templates.is_empty() {
        return Ok(Exit::Pass);
    }
    let (report, exit) =
        check_and_report(&templates, sam, args.sam, &args.options, &config, builtins)?;
    end_with(report);
    Ok(exit)
}
