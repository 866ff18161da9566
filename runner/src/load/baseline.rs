//! Baselines: the template as last deployed, to compare a change against.

use std::path::{Path, PathBuf};
use std::process::Command;

use preflight_template::{Limits, LoadError, Template};

/// Why a baseline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The baseline does not load as a template.
    #[error("baseline {0}")]
    Load(#[from] LoadError),
    /// git could not be started.
    #[error("cannot run git for baseline {spec}: {source}")]
    Git {
        /// `REV:PATH`.
        spec: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The revision could be read by git as an option, or is empty.
    #[error("baseline git:{rev}: not a revision (a revision must not be empty or start with `-`)")]
    BadRevision {
        /// The revision given.
        rev: String,
    },
    /// git could not show the file at that revision.
    #[error("baseline git:{spec}: {stderr}")]
    GitShow {
        /// `REV:PATH`.
        spec: String,
        /// What git said.
        stderr: String,
    },
}

/// Where a baseline comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineSource {
    /// A template file.
    File(PathBuf),
    /// A git revision: the same path at `rev`, or `path` at `rev`.
    Git {
        /// Any revision git understands (`HEAD~1`, `main`, a hash).
        rev: String,
        /// A path at that revision, relative to the repository root; default: the
        /// template's own path.
        path: Option<PathBuf>,
    },
}

impl BaselineSource {
    /// Parses `--baseline FILE` or `--baseline git:REV[:PATH]`.
    pub fn parse(text: &str) -> BaselineSource {
        match text.strip_prefix("git:") {
            Some(rest) => match rest.split_once(':') {
                Some((rev, path)) => BaselineSource::Git {
                    rev: rev.to_string(),
                    path: Some(PathBuf::from(path)),
                },
                None => BaselineSource::Git {
                    rev: rest.to_string(),
                    path: None,
                },
            },
            None => BaselineSource::File(PathBuf::from(text)),
        }
    }

    /// Refuses what git would read as something other than a revision: a revision
    /// starting with `-` is an option to git (`--output=FILE` writes a file).
    pub fn validate(&self) -> Result<(), BaselineError> {
        match self {
            BaselineSource::Git { rev, .. }
                if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') =>
            {
                Err(BaselineError::BadRevision { rev: rev.clone() })
            }
            _ => Ok(()),
        }
    }

    /// The baseline for `template`: `Ok(None)` when the file did not exist at that
    /// revision (a new template has no baseline).
    pub fn resolve(
        &self,
        template: &Path,
        limits: &Limits,
    ) -> Result<Option<Template>, BaselineError> {
        match self {
            BaselineSource::File(path) => Ok(Some(Template::load(path, limits)?)),
            BaselineSource::Git { rev, path } => {
                self.validate()?;
                let dir = template
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let spec = match path {
                    Some(p) => format!("{rev}:{}", p.display()),
                    None => {
                        let name = template
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        format!("{rev}:./{name}")
                    }
                };
                let output = Command::new("git")
                    .arg("-C")
                    .arg(dir)
                    // Options end before the revision; paths (none) after `--`.
                    .args(["show", "--end-of-options", &spec, "--"])
                    .output()
                    .map_err(|source| BaselineError::Git {
                        spec: spec.clone(),
                        source,
                    })?;
                if !output.status.success() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    if stderr.contains("does not exist")
                        || stderr.contains("exists on disk, but not in")
                    {
                        return Ok(None);
                    }
                    return Err(BaselineError::GitShow {
                        spec,
                        stderr: stderr.trim().to_string(),
                    });
                }
                Ok(Some(Template::from_bytes(
                    output.stdout,
                    &format!("git:{spec}"),
                    limits,
                )?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_git_forms() {
        assert_eq!(
            BaselineSource::parse("git:HEAD~1"),
            BaselineSource::Git {
                rev: "HEAD~1".into(),
                path: None
            }
        );
        assert_eq!(
            BaselineSource::parse("git:main:infra/t.yaml"),
            BaselineSource::Git {
                rev: "main".into(),
                path: Some("infra/t.yaml".into())
            }
        );
        assert_eq!(
            BaselineSource::parse("old.json"),
            BaselineSource::File("old.json".into())
        );
    }

    #[test]
    fn a_revision_that_git_would_read_as_an_option_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("written-by-git");
        let template = dir.path().join("template.yaml");
        std::fs::write(&template, "Resources: {}\n").unwrap();
        for text in [
            format!("git:--output={}:template.yaml", out.display()),
            format!("git:--output={}", out.display()),
            "git:".to_string(),
            "git::template.yaml".to_string(),
        ] {
            let source = BaselineSource::parse(&text);
            let err = source.validate().unwrap_err().to_string();
            assert!(err.contains("not a revision"), "{text}: {err}");
            let err = source
                .resolve(&template, &Limits::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("not a revision"), "{text}: {err}");
        }
        let written: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with("written-by-git"))
            .collect();
        assert!(written.is_empty(), "git wrote {written:?}");
    }
}
