//! What a gated deploy is about: the stack, the template, the command and the project
//! directory, from the command line, `preflight.toml` (`[deploy]`) and `samconfig.toml`,
//! in that order of precedence.

use std::path::{Path, PathBuf};

use crate::config::{Command, Config};

/// The command run when neither the command line nor `preflight.toml` names one.
pub const DEFAULT_COMMAND: &[&str] = &["make", "play"];

/// Template file names looked up in the project directory when none is configured, in
/// the order the SAM CLI uses.
pub const DEFAULT_TEMPLATES: &[&str] = &["template.yaml", "template.yml", "template.json"];

/// Why the deploy target could not be worked out.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// `samconfig.toml` could not be read.
    #[error("{}: {source}", .path.display())]
    SamConfigRead {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `samconfig.toml` is not TOML.
    #[error("{}: {source}", .path.display())]
    SamConfigSyntax {
        /// The file.
        path: PathBuf,
        /// toml's error.
        #[source]
        source: toml::de::Error,
    },
    /// A value in `samconfig.toml` is not usable.
    #[error("{}: {message}", .path.display())]
    SamConfig {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No template was named and none of the default names exists.
    #[error(
        "no template to deploy: pass --template FILE, set `template` under [deploy] in preflight.toml \
         or `template_file` in samconfig.toml, or add template.yaml to {0}"
    )]
    NoTemplate(PathBuf),
    /// The template named does not exist.
    #[error("template {path} (from {from}) does not exist")]
    MissingTemplate {
        /// The path.
        path: PathBuf,
        /// Where the path came from.
        from: &'static str,
    },
    /// The stack name is not one CloudFormation accepts.
    #[error(
        "stack name `{name}` (from {from}) is not valid: it must start with a letter and contain only \
         letters, digits and hyphens (at most 128 characters)"
    )]
    BadStackName {
        /// The name.
        name: String,
        /// Where the name came from.
        from: &'static str,
    },
    /// The command is empty.
    #[error("the deploy command (from {0}) is empty")]
    EmptyCommand(&'static str),
}

/// What the command line says about the target.
#[derive(Debug, Clone, Default)]
pub struct TargetOptions {
    /// `--stack NAME`.
    pub stack: Option<String>,
    /// `--template FILE`.
    pub template: Option<PathBuf>,
    /// `--region REGION`.
    pub region: Option<String>,
    /// `--config-env ENV`: the samconfig.toml environment (default `default`).
    pub config_env: Option<String>,
    /// `-- COMMAND...`.
    pub command: Vec<String>,
}

/// The resolved target of a gated deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The stack name, when known.
    pub stack: Option<String>,
    /// Where the stack name came from (`--stack`, `preflight.toml`, `samconfig.toml`).
    pub stack_from: Option<&'static str>,
    /// The template.
    pub template: PathBuf,
    /// Where the template came from.
    pub template_from: &'static str,
    /// The AWS region for verification, when configured (otherwise the environment's).
    pub region: Option<String>,
    /// The deploy command.
    pub command: DeployCommand,
    /// The directory the command runs in and `.preflight/` lives in.
    pub project_dir: PathBuf,
}

impl Target {
    /// The name the state file and the lock are keyed by: the stack name, else the
    /// template's file stem.
    pub fn state_key(&self) -> String {
        match &self.stack {
            Some(stack) => stack.clone(),
            None => {
                let stem = self
                    .template
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let key: String = stem
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                if key.is_empty() {
                    "template".to_string()
                } else {
                    key
                }
            }
        }
    }
}

/// A deploy command: run through `sh -c`, or directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployCommand {
    /// The program.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// How to show it (`make play`).
    pub display: String,
    /// Where it came from (`command line`, `preflight.toml`, `default`).
    pub from: &'static str,
}

impl DeployCommand {
    fn from_args(args: &[String], from: &'static str) -> Result<DeployCommand, TargetError> {
        let (program, rest) = args.split_first().ok_or(TargetError::EmptyCommand(from))?;
        if program.trim().is_empty() {
            return Err(TargetError::EmptyCommand(from));
        }
        Ok(DeployCommand {
            program: program.clone(),
            args: rest.to_vec(),
            display: args
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" "),
            from,
        })
    }

    fn shell(line: &str, from: &'static str) -> Result<DeployCommand, TargetError> {
        if line.trim().is_empty() {
            return Err(TargetError::EmptyCommand(from));
        }
        Ok(DeployCommand {
            program: "sh".into(),
            args: vec!["-c".into(), line.to_string()],
            display: line.to_string(),
            from,
        })
    }
}

/// Quotes an argument for display when a POSIX shell would need it (shlex), so a shown
/// command can be pasted back into a shell.
pub fn shell_quote(arg: &str) -> String {
    // A NUL cannot be passed in an argument at all; show it rather than fail.
    shlex::Quoter::new()
        .allow_nul(true)
        .quote(arg)
        .map_or_else(|_| arg.to_string(), |quoted| quoted.into_owned())
}

/// The parts of `samconfig.toml` the gate reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SamConfigValues {
    /// `stack_name`.
    pub stack_name: Option<String>,
    /// `template_file`, resolved against the file's directory.
    pub template_file: Option<PathBuf>,
    /// `region`.
    pub region: Option<String>,
}

/// Reads `samconfig.toml` in `dir`, when present: `[ENV.deploy.parameters]` first, then
/// `[ENV.global.parameters]`.
pub fn read_samconfig(dir: &Path, env: &str) -> Result<Option<SamConfigValues>, TargetError> {
    let path = dir.join("samconfig.toml");
    if !path.is_file() {
        return Ok(None);
    }
    let bad = |message: String| TargetError::SamConfig {
        path: path.clone(),
        message,
    };
    let text = preflight_template::fs::read_to_string(&path, preflight_template::fs::INPUT_LIMIT)
        .map_err(|source| TargetError::SamConfigRead {
        path: path.clone(),
        source,
    })?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|source| TargetError::SamConfigSyntax {
            path: path.clone(),
            source,
        })?;
    let section = |command: &str| {
        table
            .get(env)
            .and_then(|e| e.get(command))
            .and_then(|c| c.get("parameters"))
            .and_then(|p| p.as_table())
    };
    let lookup = |key: &str| -> Result<Option<String>, TargetError> {
        for command in ["deploy", "global"] {
            if let Some(value) = section(command).and_then(|p| p.get(key)) {
                return match value.as_str() {
                    Some(s) => Ok(Some(s.to_string())),
                    None => Err(bad(format!(
                        "[{env}.{command}.parameters] {key} must be a string"
                    ))),
                };
            }
        }
        Ok(None)
    };
    Ok(Some(SamConfigValues {
        stack_name: lookup("stack_name")?,
        template_file: lookup("template_file")?.map(|t| dir.join(t)),
        region: lookup("region")?,
    }))
}

/// Works out the target: options first, then `[deploy]` in `preflight.toml`, then
/// `samconfig.toml` in the project directory, then the defaults (`template.yaml`,
/// `make play`). `cwd` resolves paths given on the command line; `project_dir` is where
/// the configuration lives (the working directory when there is none), and resolves
/// paths from the configuration.
pub fn resolve(
    options: &TargetOptions,
    config: &Config,
    cwd: &Path,
    project_dir: &Path,
) -> Result<Target, TargetError> {
    let env = options.config_env.as_deref().unwrap_or("default");
    let samconfig = read_samconfig(project_dir, env)?.unwrap_or_default();

    let (stack, stack_from) = if let Some(s) = &options.stack {
        (Some(s.clone()), Some("--stack"))
    } else if let Some(s) = &config.deploy.stack {
        (Some(s.clone()), Some("preflight.toml"))
    } else if let Some(s) = &samconfig.stack_name {
        (Some(s.clone()), Some("samconfig.toml"))
    } else {
        (None, None)
    };
    if let (Some(name), Some(from)) = (&stack, stack_from)
        && !valid_stack_name(name)
    {
        return Err(TargetError::BadStackName {
            name: name.clone(),
            from,
        });
    }

    let (template, template_from) = if let Some(t) = &options.template {
        (cwd.join(t), "--template")
    } else if let Some(t) = &config.deploy.template {
        (project_dir.join(t), "preflight.toml")
    } else if let Some(t) = &samconfig.template_file {
        (t.clone(), "samconfig.toml")
    } else {
        let found = DEFAULT_TEMPLATES
            .iter()
            .map(|name| project_dir.join(name))
            .find(|p| p.is_file())
            .ok_or_else(|| TargetError::NoTemplate(project_dir.to_path_buf()))?;
        (found, "default")
    };
    if !template.is_file() {
        return Err(TargetError::MissingTemplate {
            path: template,
            from: template_from,
        });
    }

    let command = if !options.command.is_empty() {
        DeployCommand::from_args(&options.command, "command line")?
    } else {
        match &config.deploy.command {
            Some(Command::Shell(line)) => DeployCommand::shell(line, "preflight.toml")?,
            Some(Command::Args(args)) => DeployCommand::from_args(args, "preflight.toml")?,
            None => {
                let args: Vec<String> = DEFAULT_COMMAND.iter().map(|s| s.to_string()).collect();
                DeployCommand::from_args(&args, "default")?
            }
        }
    };

    Ok(Target {
        stack,
        stack_from,
        template: tidy(&template),
        template_from,
        // The options, then preflight.toml, then samconfig.toml; the client falls back
        // to the environment.
        region: options
            .region
            .clone()
            .or_else(|| config.deploy.region.clone())
            .or_else(|| config.sam.region.clone())
            .or(samconfig.region),
        command,
        project_dir: project_dir.to_path_buf(),
    })
}

/// Whether CloudFormation accepts `name` as a stack name.
pub fn valid_stack_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 128
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Drops `.` components so paths print cleanly.
fn tidy(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    /// What a POSIX shell makes of the quoted words: each argument as given.
    #[test]
    fn quoted_arguments_round_trip_through_a_shell() {
        let args = [
            "plain",
            "it's fine",
            "two words",
            "",
            "$HOME `id` $(id)",
            "\"double\" \\ back",
            "a\nb\tc",
            "*.yaml ?[!x]",
            "~/x #not-a-comment",
            "key=value,more%",
            "{a,b}",
            "héllo wörld",
        ];
        let line: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
        assert_eq!(line[0], "plain");
        let output = std::process::Command::new("sh")
            .args(["-c", &format!("printf '%s\\0' {}", line.join(" "))])
            .output()
            .unwrap();
        assert!(output.status.success(), "{line:?}");
        let words: Vec<&str> = std::str::from_utf8(&output.stdout)
            .unwrap()
            .split_terminator('\0')
            .collect();
        assert_eq!(words, args, "{line:?}");
    }

    #[test]
    fn defaults_to_template_yaml_and_make_play() {
        let dir = project(&[("template.yaml", "Resources: {}\n")]);
        let t = resolve(
            &TargetOptions::default(),
            &Config::default(),
            dir.path(),
            dir.path(),
        )
        .unwrap();
        assert_eq!(t.template, dir.path().join("template.yaml"));
        assert_eq!(t.stack, None);
        assert_eq!(t.state_key(), "template");
        assert_eq!(t.command.program, "make");
        assert_eq!(t.command.args, ["play"]);
        assert_eq!(t.command.display, "make play");
    }

    #[test]
    fn samconfig_supplies_stack_template_and_region() {
        let dir = project(&[
            ("infra.yaml", "Resources: {}\n"),
            (
                "samconfig.toml",
                "version = 0.1\n[default.global.parameters]\nstack_name = \"from-global\"\n\
                 [default.deploy.parameters]\nstack_name = \"from-deploy\"\ntemplate_file = \"infra.yaml\"\nregion = \"eu-west-1\"\n\
                 [prod.deploy.parameters]\nstack_name = \"prod-stack\"\ntemplate_file = \"infra.yaml\"\n",
            ),
        ]);
        let t = resolve(
            &TargetOptions::default(),
            &Config::default(),
            dir.path(),
            dir.path(),
        )
        .unwrap();
        assert_eq!(t.stack.as_deref(), Some("from-deploy"));
        assert_eq!(t.stack_from, Some("samconfig.toml"));
        assert_eq!(t.template, dir.path().join("infra.yaml"));
        assert_eq!(t.region.as_deref(), Some("eu-west-1"));
        let prod = TargetOptions {
            config_env: Some("prod".into()),
            ..Default::default()
        };
        let t = resolve(&prod, &Config::default(), dir.path(), dir.path()).unwrap();
        assert_eq!(t.stack.as_deref(), Some("prod-stack"));
    }

    #[test]
    fn options_beat_config_beat_samconfig() {
        let dir = project(&[
            ("a.yaml", "Resources: {}\n"),
            ("b.yaml", "Resources: {}\n"),
            (
                "samconfig.toml",
                "[default.deploy.parameters]\nstack_name = \"sam\"\ntemplate_file = \"a.yaml\"\n",
            ),
        ]);
        let config = Config::parse(
            "[deploy]\nstack = \"toml\"\ntemplate = \"b.yaml\"\ncommand = \"./deploy.sh --fast\"\n",
            &dir.path().join("preflight.toml"),
        )
        .map(|mut c| {
            c.source = Some(dir.path().join("preflight.toml"));
            c
        })
        .unwrap();
        let t = resolve(&TargetOptions::default(), &config, dir.path(), dir.path()).unwrap();
        assert_eq!(t.stack.as_deref(), Some("toml"));
        assert_eq!(t.template, dir.path().join("b.yaml"));
        assert_eq!(t.command.program, "sh");
        assert_eq!(t.command.display, "./deploy.sh --fast");
        let options = TargetOptions {
            stack: Some("cli".into()),
            template: Some("a.yaml".into()),
            command: vec!["echo".into(), "hi there".into()],
            ..Default::default()
        };
        let t = resolve(&options, &config, dir.path(), dir.path()).unwrap();
        assert_eq!(t.stack.as_deref(), Some("cli"));
        assert_eq!(t.template, dir.path().join("a.yaml"));
        assert_eq!(t.command.display, "echo 'hi there'");
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        let dir = project(&[("template.yaml", "Resources: {}\n")]);
        let options = TargetOptions {
            stack: Some("../etc".into()),
            ..Default::default()
        };
        let err = resolve(&options, &Config::default(), dir.path(), dir.path()).unwrap_err();
        assert!(err.to_string().contains("not valid"), "{err}");
        let options = TargetOptions {
            template: Some("missing.yaml".into()),
            ..Default::default()
        };
        let err = resolve(&options, &Config::default(), dir.path(), dir.path()).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        let empty = tempfile::tempdir().unwrap();
        let err = resolve(
            &TargetOptions::default(),
            &Config::default(),
            empty.path(),
            empty.path(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no template"), "{err}");
        let broken = project(&[
            ("template.yaml", "Resources: {}\n"),
            ("samconfig.toml", "[default\n"),
        ]);
        let err = resolve(
            &TargetOptions::default(),
            &Config::default(),
            broken.path(),
            broken.path(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("samconfig.toml"), "{err}");
    }

    #[test]
    fn stack_names() {
        assert!(valid_stack_name("hello-sam-2"));
        assert!(!valid_stack_name("2fast"));
        assert!(!valid_stack_name("a_b"));
        assert!(!valid_stack_name(""));
        assert!(!valid_stack_name(&"a".repeat(129)));
    }
}
