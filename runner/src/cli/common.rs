//! Options and setup shared by the commands that check templates.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{Exit, Failure};
use crate::config::{Config, SamMode};
use crate::decide::{Override, Verdict};
use crate::evaluate::sam::SamRunner;
use crate::load::baseline::BaselineSource;
use crate::load::policies::{self, ActivePolicy, BuiltinComponent, PolicyOptions};
use crate::report::{self, Format};
use crate::run::{Checker, RunReport};
use crate::sandbox::{CompileCache, PolicyHost, default_cache_dir};

/// Options of `check` and `audit`.
#[derive(Debug, Args)]
pub struct CheckOptions {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: ./preflight.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compare against this baseline: a template FILE, or git:REV[:PATH].
    #[arg(long, value_name = "FILE|git:REV[:PATH]")]
    pub baseline: Option<String>,
    /// Guard rule file or directory for the `guard` policy (repeatable).
    #[arg(long = "rules", value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Guard input parameters file or directory (repeatable).
    #[arg(long = "input-parameters", value_name = "FILE|DIR")]
    pub input_parameters: Vec<PathBuf>,
    /// AWS region the stack is deployed to: the `schema` policy checks which resource
    /// types exist there, and deploy verifies there (default: `region` under [sam], else
    /// samconfig.toml's `region`, else AWS_REGION, else us-east-1).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Rego file or directory for the `rego` policy (conftest conventions; repeatable).
    #[arg(long = "rego", value_name = "FILE|DIR")]
    pub rego: Vec<PathBuf>,
    /// Run only this policy (repeatable).
    #[arg(long = "policy", value_name = "NAME")]
    pub only: Vec<String>,
    /// Lift a soft-mandatory rule's blocking findings (repeatable, with --reason).
    #[arg(long = "override", value_name = "RULE", requires = "reasons")]
    pub overrides: Vec<String>,
    /// Why the matching --override is acceptable (one per --override, in order).
    #[arg(long = "reason", value_name = "TEXT", id = "reasons")]
    pub reasons: Vec<String>,
}

impl CheckOptions {
    /// `--override RULE --reason TEXT` pairs, in order.
    pub fn overrides(&self) -> Result<Vec<Override>, Failure> {
        if self.overrides.len() != self.reasons.len() {
            return Err(Failure::usage(format!(
                "{} --override but {} --reason: give one reason per override",
                self.overrides.len(),
                self.reasons.len()
            )));
        }
        let mut out = Vec::new();
        for (rule, reason) in self.overrides.iter().zip(&self.reasons) {
            if reason.trim().is_empty() {
                return Err(Failure::usage(format!(
                    "--override {rule} needs a non-empty --reason"
                )));
            }
            out.push(Override {
                rule: rule.clone(),
                reason: reason.clone(),
            });
        }
        Ok(out)
    }
}

/// Loads configuration from `--config` or the working directory.
pub fn load_config(explicit: Option<&Path>) -> Result<Config, Failure> {
    let cwd = std::env::current_dir().map_err(Failure::usage)?;
    Config::discover(explicit, &cwd).map_err(Failure::usage)
}

/// Starts the engine and loads the policies.
pub fn load_policies(
    config: &Config,
    builtins: &[BuiltinComponent],
    options: &CheckOptions,
) -> Result<Vec<ActivePolicy>, Failure> {
    let cache = match config.sandbox.cache_dir.clone().or_else(default_cache_dir) {
        Some(_) if config.sandbox.cache == Some(false) => CompileCache::disabled(),
        Some(dir) => CompileCache::in_dir(dir),
        None => CompileCache::disabled(),
    };
    let host = PolicyHost::new(cache).map_err(Failure::usage)?;
    let policy_options = PolicyOptions {
        guard_rules: options.rules.clone(),
        guard_parameters: options.input_parameters.clone(),
        rego_files: options.rego.clone(),
        only: options.only.clone(),
        region: Some(crate::load::region::resolve(
            options.region.as_deref(),
            config,
            &std::env::vars().collect::<Vec<_>>(),
        )),
    };
    let policies =
        policies::resolve(&host, config, builtins, &policy_options).map_err(Failure::usage)?;
    crate::load::rule_ids::check_config(config, &policies).map_err(Failure::usage)?;
    crate::load::rule_ids::check_overrides(&options.overrides, &policies)
        .map_err(Failure::usage)?;
    Ok(policies)
}

/// Runs the checker over `paths` and writes the report; returns the exit code.
pub fn check_and_report(
    paths: &[PathBuf],
    sam_mode: SamMode,
    sam_flag: Option<SamMode>,
    options: &CheckOptions,
    config: &Config,
    builtins: &[BuiltinComponent],
) -> Result<(RunReport, Exit), Failure> {
    check_adjust_and_report(
        paths,
        sam_mode,
        sam_flag,
        options,
        config,
        builtins,
        &mut |_| Ok(()),
    )
}

/// [`check_and_report`], with `adjust` applied to the report before it is written and
/// judged (a findings baseline leaves known findings out).
pub fn check_adjust_and_report(
    paths: &[PathBuf],
    sam_mode: SamMode,
    sam_flag: Option<SamMode>,
    options: &CheckOptions,
    config: &Config,
    builtins: &[BuiltinComponent],
    adjust: &mut dyn FnMut(&mut RunReport) -> Result<(), Failure>,
) -> Result<(RunReport, Exit), Failure> {
    let overrides = options.overrides()?;
    let sam = SamRunner::detect(sam_mode, &config.sam).map_err(Failure::usage)?;
    let policies = load_policies(config, builtins, options)?;
    let baseline = options.baseline.as_deref().map(BaselineSource::parse);
    if let Some(b) = &baseline {
        b.validate().map_err(Failure::usage)?;
    }
    let checker = Checker {
        policies: &policies,
        sam: sam.as_ref(),
        limits: config.loader_limits(),
        baseline: baseline.as_ref(),
        overrides: &overrides,
        suppressions: &config.suppressions,
    };
    let progress = super::progress::Progress::new(paths.len());
    let mut report = checker.run_observed(paths, &|| progress.tick());
    progress.finish();
    if sam.is_none() {
        report.sam_not_run = Some(crate::evaluate::sam::not_run_reason(
            sam_mode,
            sam_flag,
            &config.sam,
        ));
    }
    adjust(&mut report)?;
    write_report(&report, options)?;
    let exit = if report.has_load_errors() {
        Exit::Usage
    } else if report.verdict == Verdict::Fail {
        Exit::Findings
    } else {
        Exit::Pass
    };
    Ok((report, exit))
}

/// Lets go of a run's report, written already, when the command ends with it: the process
/// is about to exit, and freeing each template's tree node by node (millions of nodes in
/// a large one) would only delay that. Nothing in a report holds a file, lock or process.
pub fn end_with(report: RunReport) {
    std::mem::forget(report);
}

/// Writes the report to `--output` or standard output (colour only on a terminal).
pub fn write_report(report: &RunReport, options: &CheckOptions) -> Result<(), Failure> {
    let written = match &options.output {
        Some(path) => {
            let mut buffer = Vec::new();
            report::write(
                report,
                options.format,
                &mut anstream::StripStream::new(&mut buffer),
            )
            .and_then(|_| std::fs::write(path, buffer))
        }
        // JSON escapes every control character, so its reports have nothing for anstream
        // to strip; scanning megabytes of them for escape sequences costs more than
        // writing them.
        None if matches!(options.format, Format::Json | Format::Sarif) => {
            write_buffered(report, options.format, std::io::stdout().lock())
        }
        None => write_buffered(report, options.format, anstream::stdout().lock()),
    };
    super::output_ended(written)
        .map_err(|e| Failure::usage(format!("cannot write the report: {e}")))
}

/// Writes the report through a buffer: standard output is line-buffered, which would
/// make every line of a pretty-printed report a system call.
fn write_buffered(report: &RunReport, format: Format, out: impl Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    report::write(report, format, &mut out)?;
    out.flush()
}
