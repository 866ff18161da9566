//! `preflight init`: a commented `preflight.toml` for an existing SAM project, filled in
//! from `samconfig.toml` (stack name, template, region) and the templates found in the
//! directory, with every other setting shown commented out at its default.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::config::FILE_NAME;
use crate::gate::target::{DEFAULT_TEMPLATES, TargetError, read_samconfig};
use crate::load::discover::find_templates;

/// Why `preflight init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The file exists already; `init` never overwrites it.
    #[error("{} already exists; remove it first to write a new one", .0.display())]
    Exists(PathBuf),
    /// samconfig.toml is there but unreadable.
    #[error(transparent)]
    SamConfig(#[from] TargetError),
    /// The file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What `init` learnt about the project.
#[derive(Debug, Default)]
struct Findings {
    stack: Option<String>,
    region: Option<String>,
    template: Option<String>,
    template_from: &'static str,
    others: Vec<String>,
    samconfig: bool,
    make_play: bool,
}

/// Writes `preflight.toml` in `dir`, refusing to replace one; returns its path.
pub fn write(dir: &Path) -> Result<PathBuf, InitError> {
    let path = dir.join(FILE_NAME);
    let text = render(dir)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                InitError::Exists(path.clone())
            } else {
                InitError::Write {
                    path: path.clone(),
                    source,
                }
            }
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|source| InitError::Write {
            path: path.clone(),
            source,
        })?;
    Ok(path)
}

/// The text `init` would write for `dir`.
pub fn render(dir: &Path) -> Result<String, InitError> {
    let path = dir.join(FILE_NAME);
    if path.exists() {
        return Err(InitError::Exists(path));
    }
    let found = survey(dir)?;
    Ok(compose(&found))
}

fn survey(dir: &Path) -> Result<Findings, InitError> {
    let mut found = Findings::default();
    if let Some(sam) = read_samconfig(dir, "default")? {
        found.samconfig = true;
        found.stack = sam.stack_name;
        found.region = sam.region;
        if let Some(t) = sam.template_file {
            found.template = Some(relative(dir, &t));
            found.template_from = "samconfig.toml";
        }
    }
    let templates: Vec<String> = find_templates(&[dir.to_path_buf()], &[])
        .unwrap_or_default()
        .iter()
        .map(|p| relative(dir, p))
        .collect();
    if found.template.is_none() {
        let default = DEFAULT_TEMPLATES
            .iter()
            .find(|name| dir.join(name).is_file());
        if let Some(name) = default {
            found.template = Some(name.to_string());
            found.template_from = "the SAM CLI's default name";
        } else if templates.len() == 1 {
            found.template = Some(templates[0].clone());
            found.template_from = "the only template found";
        }
    }
    found.others = templates
        .into_iter()
        .filter(|t| Some(t) != found.template.as_ref())
        .collect();
    found.make_play = std::fs::read_to_string(dir.join("Makefile"))
        .is_ok_and(|m| m.lines().any(|l| l.starts_with("play:")));
    Ok(found)
}

fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

/// A TOML string literal (basic string, escaped as TOML requires).
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn compose(f: &Findings) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line("# preflight.toml, written by `preflight init`. Every key is optional and has a");
    line("# default; `preflight config schema` prints the schema of this file.");
    line("");
    line("[deploy]");
    line("# The deploy command: a string run by `sh -c`, or an argument list.");
    if f.make_play {
        line("command = \"make play\"");
    } else if f.samconfig {
        line("command = [\"sam\", \"deploy\", \"--no-confirm-changeset\"]");
    } else {
        line("# command = \"make play\"");
    }
    match &f.stack {
        Some(stack) => line(&format!("stack = {}  # from samconfig.toml", quoted(stack))),
        None => line("# stack = \"my-stack\"  # default: samconfig.toml's stack_name"),
    }
    match &f.template {
        Some(t) => line(&format!("template = {}  # {}", quoted(t), f.template_from)),
        None => line("# template = \"template.yaml\""),
    }
    if !f.others.is_empty() {
        let mut note = String::from("# Other templates found (`preflight audit` checks them all):");
        for t in f.others.iter().take(20) {
            let _ = write!(note, "\n#   {t}");
        }
        if f.others.len() > 20 {
            let _ = write!(note, "\n#   ... and {} more", f.others.len() - 20);
        }
        line(&note);
    }
    line("# When security changes need approval: never | broadening | any-change.");
    line("# require-approval = \"broadening\"");
    line("# Stop the deploy command after this long.");
    line("# timeout = \"30m\"");
    line("");
    line("[sam]");
    line("# Run `sam validate`: auto (when `sam` is on PATH) | required | off.");
    line("# mode = \"auto\"");
    match &f.region {
        Some(r) => line(&format!("region = {}  # from samconfig.toml", quoted(r))),
        None => line("# region = \"us-east-1\""),
    }
    line("");
    line("[audit]");
    line("# Glob patterns `preflight audit` leaves out.");
    line("exclude = []");
    line("# A findings baseline (`preflight audit --write-baseline FILE`): only new");
    line("# findings are reported and block.");
    line("# findings-baseline = \".preflight/findings-baseline.json\"");
    line("");
    line("# Built-in policies: template, schema, security, guard, rego. For example:");
    line("# [policies.security]");
    line("# enforcement = \"soft-mandatory\"  # advisory | soft-mandatory | hard-mandatory");
    line("# blocking-severity = \"medium\"     # findings below this never block");
    line("# disable = [\"SEC001\"]");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn fills_in_samconfig_and_parses() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("samconfig.toml"),
            "version = 0.1\n[default.deploy.parameters]\nstack_name = \"orders\"\n\
             region = \"eu-west-1\"\ntemplate_file = \"infra/app.yaml\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("infra")).unwrap();
        let template = "Resources:\n  T:\n    Type: AWS::SNS::Topic\n";
        std::fs::write(dir.path().join("infra/app.yaml"), template).unwrap();
        std::fs::write(dir.path().join("infra/other.yaml"), template).unwrap();
        let text = render(dir.path()).unwrap();
        let config = Config::parse(&text, Path::new("preflight.toml")).unwrap();
        assert_eq!(config.deploy.stack.as_deref(), Some("orders"));
        assert_eq!(config.sam.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            config.deploy.template.as_deref(),
            Some(Path::new("infra/app.yaml"))
        );
        assert!(text.contains("#   infra/other.yaml"), "{text}");
        assert_eq!(
            config.deploy.command,
            Some(crate::config::Command::Args(vec![
                "sam".into(),
                "deploy".into(),
                "--no-confirm-changeset".into()
            ]))
        );
    }

    #[test]
    fn refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("preflight.toml"), "# mine\n").unwrap();
        assert!(matches!(write(dir.path()), Err(InitError::Exists(_))));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("preflight.toml")).unwrap(),
            "# mine\n"
        );
    }

    #[test]
    fn empty_directory_gives_a_valid_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path()).unwrap();
        let config = Config::load(&path).unwrap();
        assert!(config.deploy.stack.is_none());
        assert!(config.deploy.command.is_none());
    }
}
