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
        /// default: the one this binary was built from. Rust only: Python and JavaScript
        /// policies get their kit copied in.
        #[arg(long, value_name = "PATH")]
        sdk: Option<PathBuf>,
        /// The policy's language.
        #[arg(long, value_enum, default_value = "rust")]
        lang: crate::scaffold::Lang,
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
    /// Run policy tests in the sandbox. Guard rule unit tests (`cfn-guard test`'s
    /// format): a rules file with its test file or directory (-r RULES -t TESTS), or
    /// every `X.guard` with its `tests/X_tests.yaml` under a directory (-d DIR). Any
    /// other policy (a component in any language, Rego files, a configured policy):
    /// YAML test cases with a template and the expected findings or rule statuses
    /// (--wasm FILE, --rego FILE|DIR or --policy NAME, with -t TESTS). Prints each case;
    /// exits 1 when an expectation is not met, 2 when a file cannot be read or a case
    /// cannot be evaluated.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["rules", "dir", "wasm", "rego", "policy"])))]
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
            conflicts_with = "dir"
        )]
        tests: Option<PathBuf>,
        /// A policy component (`.wasm`, any language) to run the test cases (-t) with.
        #[arg(long, value_name = "FILE", requires = "tests")]
        wasm: Option<PathBuf>,
        /// Rego files or directories to run the test cases (-t) with, through the
        /// built-in `rego` policy.
        #[arg(long, value_name = "FILE|DIR", requires = "tests")]
        rego: Vec<PathBuf>,
        /// A policy from the configuration (built-in or pinned component, with its
        /// settings) to run the test cases (-t) with.
        #[arg(long, value_name = "NAME", requires = "tests")]
        policy: Option<String>,
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
        PolicyCommand::New {
            name,
            dir,
            sdk,
            lang,
        } => {
            use crate::scaffold::Lang;
            let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
            let sdk = sdk.or_else(crate::scaffold::default_sdk);
            let files = crate::scaffold::create_in(lang, &name, &dir, sdk.as_deref())
                .map_err(Failure::usage)?;
            let next = match lang {
                Lang::Rust => "cargo test && cargo build --release --target wasm32-wasip2",
                Lang::Python | Lang::Js => "make && make test",
            };
            let mut out = std::io::stdout().lock();
            let written = files
                .iter()
                .try_for_each(|file| writeln!(out, "created {}", file.display()))
                .and_then(|_| writeln!(out, "\nnext: cd {} && {next}", dir.display()))
                .and_then(|_| out.flush());
            super::output_ended(written)
                .map_err(|e| Failure::usage(format!("cannot write: {e}")))?;
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
            super::output_ended(result)
                .map_err(|e| Failure::usage(format!("cannot write: {e}")))?;
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
            wasm,
            rego,
            policy,
            format,
            config,
        } => match (tests, wasm, rego.is_empty(), policy) {
            (Some(tests), Some(wasm), true, None) => {
                test_cases(&tests, Under::Wasm(wasm), format, config, builtins)
            }
            (Some(tests), None, false, None) => {
                test_cases(&tests, Under::Rego(rego), format, config, builtins)
            }
            (Some(tests), None, true, Some(name)) => {
                test_cases(&tests, Under::Configured(name), format, config, builtins)
            }
            (tests, None, true, None) => test(rules, tests, dir, format, config, builtins),
            _ => Err(Failure::usage(
                "give one policy to test: --wasm FILE, --rego FILE|DIR or --policy NAME",
            )),
        },
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
        Some(_) if config.sandbox.cache == Some(false) => CompileCache::disabled(),
        Some(dir) => CompileCache::in_dir(dir),
        None => CompileCache::disabled(),
    };
    let host = PolicyHost::new(cache).map_err(Failure::usage)?;
    let policy = host
        .load(
            guard::BUILTIN,
            guard.wasm,
            None,
            guard.precompiled,
            crate::sandbox::SandboxLimits::configured(&config.sandbox),
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
    super::output_ended(written.and_then(|_| out.flush()))
        .map_err(|e| Failure::usage(format!("cannot write: {e}")))?;
    Ok(match run.exit_code() {
        0 => Exit::Pass,
        1 => Exit::Findings,
        _ => Exit::Usage,
    })
}

/// The policy `policy test` runs test cases with.
enum Under {
    /// A component file, unpinned (the one just built).
    Wasm(PathBuf),
    /// Rego files, through the built-in `rego` policy.
    Rego(Vec<PathBuf>),
    /// A policy as configured.
    Configured(String),
}

/// The name a `--wasm` component is loaded under.
const UNDER_TEST: &str = "under-test";

/// `policy test` with YAML test cases: loads the one policy, runs every case.
fn test_cases(
    tests: &std::path::Path,
    under: Under,
    format: ListFormat,
    config: Option<PathBuf>,
    builtins: &[BuiltinComponent],
) -> Result<Exit, Failure> {
    let files = crate::cases::test_files(&[tests.to_path_buf()]).map_err(Failure::usage)?;
    let mut config = load_config(config.as_deref())?;
    let mut options = options_with_rules(Vec::new());
    let name = match under {
        Under::Wasm(path) => {
            let bytes = preflight_template::fs::read(&path, crate::load::COMPONENT_LIMIT)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
            let path = std::path::absolute(&path).unwrap_or(path);
            config.policies.insert(
                UNDER_TEST.to_string(),
                crate::config::PolicyConfig {
                    path: Some(path),
                    sha256: Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))),
                    ..Default::default()
                },
            );
            UNDER_TEST.to_string()
        }
        Under::Rego(files) => {
            options.rego = files;
            crate::rego::BUILTIN.to_string()
        }
        Under::Configured(name) => name,
    };
    options.only = vec![name.clone()];
    let policies = load_policies(&config, builtins, &options)?;
    let policy = policies
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| Failure::usage(format!("no policy named `{name}` is configured")))?;
    if let Err(e) = &policy.loaded {
        return Err(Failure::usage(format!("cannot load the policy: {e}")));
    }
    let run = crate::cases::run(&files, &policy);
    let mut out = anstream::stdout().lock();
    let written = match format {
        ListFormat::Json => serde_json::to_writer_pretty(&mut out, &run)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        ListFormat::Human => crate::cases::write_human(&run, &mut out),
    };
    super::output_ended(written.and_then(|_| out.flush()))
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
        rego: Vec::new(),
        only: Vec::new(),
        overrides: Vec::new(),
        reasons: Vec::new(),
    }
}
