//! `preflight policy list | inspect | test`

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::common::{CheckOptions, load_config, load_policies};
use super::{Exit, Failure};
use crate::guard::{self, suite};
use crate::load::policies::BuiltinComponent;
use crate::report::Format;
use crate::report::policies::{PolicyListing, listing, write_inspect, write_list};
use crate::sandbox::{CompileCache, PolicyHost, default_cache_dir};

/// Output formats of `policy list` and `policy test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// For people (a table for `list`, each case for `test`).
    Human,
    /// JSON, for tools.
    Json,
}

/// `preflight policy ...`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Create a new policy crate: one example rule with its fixture and snapshot test,
    /// ready for `cargo test` and `cargo build --release --target wasm32-wasip2`.
    New {
        /// The policy's name (lowercase, digits and `-`), also the crate's.
        name: String,
        /// Where to create it (default: ./NAME).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The preflight-policy SDK (the `guest/` directory of a preflight checkout);
        /// default: the one this binary was built from.
        #[arg(long, value_name = "PATH")]
        sdk: Option<PathBuf>,
    },
    /// List the policies that would run, with their rules.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        /// Configuration file.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Guard rule file or directory (adds the `guard` policy).
        #[arg(long = "rules", value_name = "FILE|DIR")]
        rules: Vec<PathBuf>,
    },
    /// Show one rule's or policy's documentation.
    Inspect {
        /// A rule id (`TPL001`) or a policy id (`template`).
        id: String,
        /// Configuration file.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Run Guard rule unit tests (`cfn-guard test`'s format) in the sandbox: a rules
    /// file with its test file or directory (-r RULES -t TESTS), or every `X.guard`
    /// with its `tests/X_tests.yaml` under a directory (-d DIR). Prints each case with
    /// each rule's expected and actual status; exits 1 when an expectation is not met,
    /// 2 when a file cannot be read or a case cannot be evaluated.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["rules", "dir"])))]
    Test {
        /// The Guard rules file.
        #[arg(
            short = 'r',
            long = "rules",
            visible_alias = "rules-file",
            value_name = "FILE",
            requires = "tests",
            conflicts_with = "dir"
        )]
        rules: Option<PathBuf>,
        /// The test file, or a directory of test files (.yaml, .yml, .json, .jsn).
        #[arg(
            short = 't',
            long = "tests",
            visible_alias = "test-data",
            value_name = "FILE|DIR",
            requires = "rules",
            conflicts_with = "dir"
        )]
        tests: Option<PathBuf>,
        /// A directory of rules files, each tested with the files in the `tests`
        /// directory next to it that begin with its name.
        #[arg(
            short = 'd',
            long = "dir",
            visible_alias = "directory",
            value_name = "DIR"
        )]
        dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        /// Configuration file (for the sandbox limits).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// Runs a `policy` subcommand.
pub fn run(cmd: PolicyCommand, builtins: &[BuiltinComponent]) -> Result<Exit, Failure> {
    match cmd {
        PolicyCommand::New { name, dir, sdk } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
            let sdk = sdk
                .or_else(crate::scaffold::default_sdk)
                .ok_or_else(|| Failure::usage(crate::scaffold::ScaffoldError::NoSdk))?;
            let files = crate::scaffold::create(&name, &dir, &sdk).map_err(Failure::usage)?;
            for file in files {
                println!("created {}", file.display());
            }
            println!(
                "\nnext: cd {} && cargo test && cargo build --release --target wasm32-wasip2",
                dir.display()
            );
            Ok(Exit::Pass)
        }
        PolicyCommand::List {
            format,
            config,
            rules,
        } => {
            let config = load_config(config.as_deref())?;
            let options = options_with_rules(rules);
            let policies = load_policies(&config, builtins, &options)?;
            let listings: Vec<PolicyListing> = policies.iter().map(listing).collect();
            let mut out = anstream::stdout().lock();
            let result = match format {
                ListFormat::Json => serde_json::to_writer_pretty(&mut out, &listings)
                    .map_err(std::io::Error::from)
                    .and_then(|_| writeln!(out)),
                ListFormat::Human => write_list(&listings, &mut out),
            };
            result.map_err(|e| Failure::usage(format!("cannot write: {e}")))?;
            Ok(Exit::Pass)
        }
        PolicyCommand::Inspect { id, config } => {
            let config = load_config(config.as_deref())?;
            let policies = load_policies(&config, builtins, &options_with_rules(Vec::new()))?;
            let listings: Vec<PolicyListing> = policies.iter().map(listing).collect();
            let mut out = anstream::stdout().lock();
            // As before, a broken stdout does not turn a found id into an error.
            if write_inspect(&listings, &id, &mut out).unwrap_or(true) {
                return Ok(Exit::Pass);
            }
            Err(Failure::usage(format!(
                "no policy or rule named `{id}`; see `preflight policy list`"
            )))
        }
        PolicyCommand::Test {
            rules,
            tests,
            dir,
            format,
            config,
        } => test(rules, tests, dir, format, config, builtins),
    }
}

/// `policy test`: plans the suites, loads the `guard` built-in once, runs the cases.
fn test(
    rules: Option<PathBuf>,
    tests: Option<PathBuf>,
    dir: Option<PathBuf>,
    format: ListFormat,
    config: Option<PathBuf>,
    builtins: &[BuiltinComponent],
) -> Result<Exit, Failure> {
    let suites = match (rules, tests, dir) {
        (Some(rules), Some(tests), None) => {
            vec![suite::single(&rules, &tests).map_err(Failure::usage)?]
        }
        (None, None, Some(dir)) => suite::directory(&dir).map_err(Failure::usage)?,
        _ => {
            return Err(Failure::usage(
                "give a rules file and its tests (-r RULES -t TESTS) or a directory (-d DIR)",
            ));
        }
    };
    let config = load_config(config.as_deref())?;
    let guard = builtins
        .iter()
        .find(|b| b.name == guard::BUILTIN)
        .ok_or_else(|| Failure::usage("this build has no `guard` policy"))?;
    let cache = match config.sandbox.cache_dir.clone().or_else(default_cache_dir) {
        Some(dir) => CompileCache::in_dir(dir),
        None => CompileCache::disabled(),
    };
    let host = PolicyHost::new(cache).map_err(Failure::usage)?;
    let policy = host
        .load(
            guard::BUILTIN,
            guard.wasm,
            guard.precompiled,
            config.sandbox_limits(),
        )
        .map_err(|e| Failure::usage(format!("cannot load the guard policy: {e}")))?;
    let run = suite::run(&suites, &policy);
    let mut out = anstream::stdout().lock();
    let written = match format {
        ListFormat::Json => serde_json::to_writer_pretty(&mut out, &run)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        ListFormat::Human => suite::write_human(&run, &mut out),
    };
    written
        .and_then(|_| out.flush())
        .map_err(|e| Failure::usage(format!("cannot write: {e}")))?;
    Ok(match run.exit_code() {
        0 => Exit::Pass,
        1 => Exit::Findings,
        _ => Exit::Usage,
    })
}

fn options_with_rules(rules: Vec<PathBuf>) -> CheckOptions {
    CheckOptions {
        format: Format::Human,
        output: None,
        config: None,
        baseline: None,
        rules,
        input_parameters: Vec::new(),
        region: None,
        only: Vec::new(),
        overrides: Vec::new(),
        reasons: Vec::new(),
    }
}
