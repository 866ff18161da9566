//! `preflight deploy [OPTIONS] [-- COMMAND...]`: the gated deploy.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::common::{CheckOptions, load_config, load_policies};
use super::{Exit, Failure};
use crate::config::{ApprovalLevel, SamMode, parse_duration};
use crate::evaluate::sam::SamRunner;
use crate::gate::approval::Prompt;
use crate::gate::cloudformation::client::ClientSettings;
use crate::gate::command::{GRACE, Live};
use crate::gate::lock::DeployLock;
use crate::gate::outcome::Outcome;
use crate::gate::prompt::TerminalPrompt;
use crate::gate::report::human;
use crate::gate::state::{STATE_DIR, StateDir};
use crate::gate::target::{self, TargetOptions};
use crate::gate::{ApprovalInputs, Deployment, GateSetup, RunSettings};
use crate::load::baseline::BaselineSource;
use crate::load::policies::BuiltinComponent;
use crate::report::Format;

/// Arguments of `preflight deploy`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 deployed and verified; 2 usage, configuration or input error (or another \
deploy of the same stack is running); 3 blocked by the gate (the command was not started); \
4 the command failed, was stopped, or verification failed.")]
pub struct DeployArgs {
    /// Stack name (default: `stack` under [deploy] in preflight.toml, else `stack_name`
    /// in samconfig.toml).
    #[arg(long, value_name = "NAME")]
    stack: Option<String>,
    /// Template to check and deploy (default: `template` under [deploy], else
    /// `template_file` in samconfig.toml, else template.yaml).
    #[arg(long, short = 't', value_name = "FILE")]
    template: Option<PathBuf>,
    /// The samconfig.toml environment to read.
    #[arg(long, value_name = "ENV", default_value = "default")]
    config_env: String,
    /// Which security changes need approval (default: `require-approval` under
    /// [deploy], else broadening).
    #[arg(long, value_enum, value_name = "LEVEL")]
    require_approval: Option<ApprovalLevel>,
    /// Approve the security changes whose digest (printed in the report) is DIGEST.
    /// A stale or wrong digest blocks.
    #[arg(long, value_name = "DIGEST")]
    approve: Option<String>,
    /// Why the approved changes are acceptable (recorded in .preflight/audit.jsonl).
    #[arg(long, value_name = "TEXT")]
    approve_reason: Option<String>,
    /// Stop the deploy command after this long, e.g. 90s, 30m (default: `timeout`
    /// under [deploy], else none).
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Do not ask CloudFormation about the stack (before the command: its status and
    /// deployed template; after it: the verification).
    #[arg(long)]
    no_verify: bool,
    /// Do not run the smoke checks of [[deploy.smoke]] after the deploy.
    #[arg(long)]
    no_smoke: bool,
    /// Run `sam validate`: when on PATH (auto), always (required), or never (off).
    #[arg(long, value_enum, value_name = "MODE")]
    sam: Option<SamMode>,
    /// The state directory (default: .preflight next to preflight.toml, or in the
    /// working directory).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Run the gate only (check, security changes, approval) and report what the
    /// deploy would do, without starting the command or recording anything: exit 0
    /// when it would run, 3 when the gate blocks (the report's `approve_command` says
    /// how to approve).
    #[arg(long)]
    plan: bool,
    #[command(flatten)]
    options: CheckOptions,
    /// The deploy command (default: `command` under [deploy], else `make play`).
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// Gates, runs, verifies and records one deploy.
pub fn run(args: DeployArgs, builtins: &[BuiltinComponent]) -> Result<Exit, Failure> {
    let started = Instant::now();
    let options = &args.options;
    let json = match options.format {
        Format::Json => true,
        Format::Human => false,
        #[allow(unreachable_patterns)]
        _ => {
            return Err(Failure::usage(
                "preflight deploy writes --format human or --format json",
            ));
        }
    };
    let config = load_config(options.config.as_deref())?;
    let cwd = std::env::current_dir().map_err(Failure::usage)?;
    let project_dir = match &config.source {
        Some(path) => std::path::absolute(path)
            .map_err(Failure::usage)?
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| cwd.clone()),
        None => cwd.clone(),
    };
    let target = target::resolve(
        &TargetOptions {
            stack: args.stack.clone(),
            template: args.template.clone(),
            region: options.region.clone(),
            config_env: Some(args.config_env.clone()),
            command: args.command.clone(),
        },
        &config,
        &cwd,
        &project_dir,
    )
    .map_err(Failure::usage)?;
    let overrides = options.overrides()?;
    let level = args
        .require_approval
        .or(config.deploy.require_approval)
        .unwrap_or(ApprovalLevel::Broadening);
    let timeout = match args.timeout.as_deref().or(config.deploy.timeout.as_deref()) {
        Some(text) => {
            Some(parse_duration(text).map_err(|e| Failure::usage(format!("--timeout: {e}")))?)
        }
        None => None,
    };
    if let Some(digest) = &args.approve
        && digest.trim().is_empty()
    {
        return Err(Failure::usage(
            "--approve needs the digest printed in the report",
        ));
    }
    let verify = !args.no_verify && config.deploy.verify.unwrap_or(true);
    let deploy_env: Vec<(String, String)> = config
        .deploy
        .env
        .iter()
        .filter(|(k, _)| std::env::var_os(k).is_none_or(|v| v.is_empty()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let sam_mode = args.sam.or(config.sam.mode).unwrap_or(SamMode::Auto);
    let sam = SamRunner::detect(sam_mode, &config.sam).map_err(Failure::usage)?;
    let state = StateDir::new(match &args.state_dir {
        Some(dir) => cwd.join(dir),
        None => project_dir.join(STATE_DIR),
    });
    let baseline = options.baseline.as_deref().map(BaselineSource::parse);
    if let Some(b) = &baseline {
        b.validate().map_err(Failure::usage)?;
    }
    if let Some(BaselineSource::File(path)) = &baseline {
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                return Err(Failure::usage(format!(
                    "--baseline {}: not a regular file",
                    path.display()
                )));
            }
            Err(e) => {
                return Err(Failure::usage(format!(
                    "--baseline {}: {e}",
                    path.display()
                )));
            }
        }
    }
    // Everything the deploy writes is known writable before anything runs: a report
    // or record that cannot be written after the command would be a deploy nobody
    // can account for.
    if let Some(path) = &options.output {
        check_writable(path)?;
    }
    state.prepare().map_err(Failure::usage)?;
    let lock = DeployLock::acquire(&state.locks(), &target.state_key()).map_err(Failure::usage)?;
    let policies = load_policies(&config, builtins, options)?;

    // Human reports on standard output are written as the deploy goes; anything else
    // is written whole at the end.
    let streaming = !json && options.output.is_none();
    let live = if json && options.output.is_none() {
        Live::Stderr
    } else {
        Live::Split
    };
    let mut deployment = Deployment::check(GateSetup {
        target: &target,
        policies: &policies,
        sam: sam.as_ref(),
        limits: config.loader_limits(),
        baseline,
        overrides: &overrides,
        suppressions: &config.suppressions,
        state: &state,
        argv: std::env::args().collect(),
        cwd: cwd.clone(),
        started,
        verify,
        client: ClientSettings {
            region: target.region.clone(),
            env: deploy_env.clone(),
        },
    });
    deployment.hold_lock(&lock);
    if sam.is_none() {
        deployment.report.gate.check.sam_not_run = Some(crate::evaluate::sam::not_run_reason(
            sam_mode,
            args.sam,
            &config.sam,
        ));
    }
    if streaming {
        print(|out| human::write_gate(&deployment.report, out))?;
        print(|out| human::write_security(&deployment.report, out))?;
    }
    let mut terminal = TerminalPrompt {
        show_changes: !streaming,
    };
    let prompt: Option<&mut dyn Prompt> = if std::io::stdin().is_terminal() {
        Some(&mut terminal)
    } else {
        None
    };
    deployment.approve(
        &ApprovalInputs {
            level,
            digest: args.approve.clone(),
            reason: args.approve_reason.clone(),
        },
        prompt,
    );
    if streaming {
        print(|out| human::write_approval(&deployment.report, out))?;
    }
    if args.plan {
        deployment.report.exit_code = deployment.report.outcome.exit_code();
    } else if !deployment.stopped() {
        if streaming {
            // The report shows where the deploy command's output starts.
            let mut preview = deployment.report.clone();
            preview.deploy = None;
            print(|out| human::write_deploy_start(&preview, out))?;
        }
        deployment.run(&RunSettings {
            timeout,
            live,
            grace: GRACE,
            env: deploy_env,
            smoke: if args.no_smoke {
                Vec::new()
            } else {
                config.deploy.smoke.clone()
            },
        });
    }
    if !args.plan {
        deployment.finish();
    }
    let report = &deployment.report;
    if streaming {
        print(|out| human::write_outcome(report, out))?;
    } else {
        let mut buffer = Vec::new();
        let written = if json {
            serde_json::to_writer_pretty(&mut buffer, report)
                .map_err(std::io::Error::other)
                .and_then(|_| writeln!(buffer))
        } else {
            human::write(report, &mut anstream::StripStream::new(&mut buffer))
        };
        written
            .and_then(|_| match &options.output {
                Some(path) => std::fs::write(path, &buffer),
                None => {
                    let mut stdout = std::io::stdout().lock();
                    stdout.write_all(&buffer).and_then(|_| stdout.flush())
                }
            })
            .or_else(|e| match &options.output {
                Some(_) => Err(e),
                None => super::output_ended(Err(e)),
            })
            .map_err(|e| Failure::usage(format!("cannot write the report: {e}")))?;
        if let Some(path) = &options.output {
            eprintln!(
                "preflight deploy: {} (exit {}); report written to {}",
                report.outcome.as_str(),
                report.exit_code,
                path.display()
            );
        }
    }
    Ok(match report.outcome {
        Outcome::Deployed | Outcome::Pending => Exit::Pass,
        Outcome::Error => Exit::Usage,
        Outcome::Blocked => Exit::Blocked,
        Outcome::Failed => Exit::DeployFailed,
    })
}

/// Refuses an output path the report cannot be written to: a directory, a missing
/// directory, a path under a file, a file that cannot be opened for writing. A file
/// created to find out is removed again.
fn check_writable(path: &std::path::Path) -> Result<(), Failure> {
    let refuse = |why: String| Failure::usage(format!("--output {}: {why}", path.display()));
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(refuse("is a directory".into())),
        Ok(_) => {
            return std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .map(drop)
                .map_err(|e| refuse(format!("cannot be written: {e}")));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(refuse(format!("cannot be written: {e}"))),
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => {
            drop(file);
            let _ = std::fs::remove_file(path);
            Ok(())
        }
        Err(e) => Err(refuse(format!("cannot be created: {e}"))),
    }
}

fn print(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Failure> {
    let mut stdout = anstream::stdout().lock();
    // A closed stdout does not stop the deploy half-way: the report ends there, the
    // deploy goes on and is recorded, and the exit status says how it ended.
    super::output_ended(write(&mut stdout).and_then(|_| stdout.flush()))
        .map_err(|e| Failure::usage(format!("cannot write the report: {e}")))
}
