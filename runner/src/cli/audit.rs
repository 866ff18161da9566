//! `preflight audit [PATH...]`

use std::path::PathBuf;

use clap::Args;

use super::common::{CheckOptions, check_and_report, load_config};
use super::{Exit, Failure};
use crate::config::SamMode;
use crate::load::discover::find_templates;
use crate::load::policies::BuiltinComponent;

/// Arguments of `preflight audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or directories to search (default: the current directory). Directories are
    /// walked honouring .gitignore; `.aws-sam/`, `cdk.out/` and `node_modules/` are
    /// skipped unless named.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Run `sam validate` on each template: auto, required or off. Default off for
    /// audits (it takes seconds per template); set `[sam] mode` to change it.
    #[arg(long, value_enum, value_name = "MODE")]
    sam: Option<SamMode>,
    /// Glob of paths to leave out (repeatable; adds to `[audit] exclude`).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    #[command(flatten)]
    options: CheckOptions,
}

/// Finds templates and checks them.
pub fn run(args: AuditArgs, builtins: &[BuiltinComponent]) -> Result<Exit, Failure> {
    let config = load_config(args.options.config.as_deref())?;
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for root in &roots {
        if !root.exists() {
            return Err(Failure::usage(format!(
                "{}: no such file or directory",
                root.display()
            )));
        }
    }
    let mut exclude = config.audit.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let templates = find_templates(&roots, &exclude).map_err(Failure::usage)?;
    let sam = args.sam.or(config.sam.mode).unwrap_or(SamMode::Off);
    let (_, exit) = check_and_report(&templates, sam, args.sam, &args.options, &config, builtins)?;
    Ok(exit)
}
