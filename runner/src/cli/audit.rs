//! `preflight audit [PATH...]`

use std::path::PathBuf;

use clap::Args;

use super::common::{CheckOptions, check_adjust_and_report, end_with, load_config};
use super::{Exit, Failure};
use crate::adopt::FindingsBaseline;
use crate::config::SamMode;
use crate::load::discover::find_templates;
use crate::load::policies::BuiltinComponent;
use crate::load::shard::Shard;

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
    /// Record today's findings in FILE (by rule, template, resource and property path,
    /// not line) and exit 0: later runs with --findings-baseline report only new ones.
    #[arg(long, value_name = "FILE", conflicts_with = "findings_baseline")]
    write_baseline: Option<PathBuf>,
    /// Report and block only findings FILE does not list (default: `[audit]
    /// findings-baseline`); says how many known ones remain.
    #[arg(long, value_name = "FILE")]
    findings_baseline: Option<PathBuf>,
    /// Check only shard K of N (e.g. 2/4): the sorted templates whose index is K-1
    /// modulo N, so N CI jobs running the same command split the audit between them.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
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
    let mut templates = find_templates(&roots, &exclude).map_err(Failure::usage)?;
    if let Some(shard) = args.shard {
        templates = shard.select(templates);
    }
    let sam = args.sam.or(config.sam.mode).unwrap_or(SamMode::Off);
    let cwd = std::env::current_dir().map_err(Failure::usage)?;
    let known_file = args.findings_baseline.clone().or_else(|| {
        (args.write_baseline.is_none())
            .then(|| {
                config
                    .audit
                    .findings_baseline
                    .as_ref()
                    .map(|p| config.base_dir().join(p))
            })
            .flatten()
    });
    let known = known_file
        .as_ref()
        .map(|path| FindingsBaseline::read(path).map(|b| (path.clone(), b)))
        .transpose()
        .map_err(Failure::usage)?;
    let mut adjust = |report: &mut crate::run::RunReport| -> Result<(), Failure> {
        if let Some(path) = &args.write_baseline {
            let baseline = FindingsBaseline::record(report, &cwd);
            baseline.write(path).map_err(Failure::usage)?;
            eprintln!(
                "preflight: recorded {} findings in {}; run with --findings-baseline {} to report only new ones",
                baseline.len(),
                path.display(),
                path.display()
            );
        }
        if let Some((path, baseline)) = &known {
            let applied = baseline.apply(report, &cwd);
            eprintln!(
                "preflight: {} new findings; {} known findings in {} not reported{}",
                applied.new,
                applied.known,
                path.display(),
                if applied.gone > 0 {
                    format!(" ({} recorded there are gone)", applied.gone)
                } else {
                    String::new()
                }
            );
        }
        Ok(())
    };
    let (report, exit) = check_adjust_and_report(
        &templates,
        sam,
        args.sam,
        &args.options,
        &config,
        builtins,
        &mut adjust,
    )?;
    end_with(report);
    if args.write_baseline.is_some() && exit == Exit::Findings {
        return Ok(Exit::Pass);
    }
    Ok(exit)
}
