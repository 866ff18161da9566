//! Baselines: the template as last deployed, to compare a change against.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
    /// The file at that revision is larger than the loader's limit; reading stopped
    /// there.
    #[error(
        "baseline git:{spec}: the file is over the limit of {limit} bytes (`[loader] max-bytes`)"
    )]
    TooLarge {
        /// `REV:PATH`.
        spec: String,
        /// The limit.
        limit: u64,
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
    /// A template body read from elsewhere: the template of the deployed stack, as
    /// CloudFormation returns it.
    Text {
        /// What it is, as shown in reports and load errors (`stack demo (deployed)`).
        name: String,
        /// The template.
        body: std::sync::Arc<str>,
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
            BaselineSource::Text { name, body } => Ok(Some(Template::from_bytes(
                body.as_bytes().to_vec(),
                name,
                limits,
            )?)),
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
                let Some(output) = git_show(dir, &spec, limits.max_bytes)? else {
                    return Ok(None);
                };
                Ok(Some(Template::from_bytes(
                    output,
                    &format!("git:{spec}"),
                    limits,
                )?))
            }
        }
    }
}

/// Most bytes of git's standard error kept for the message.
const GIT_STDERR_LIMIT: u64 = 64 * 1024;

/// `git show REV:PATH` in `dir`, read through `take(limit + 1)` as files are: `None` when
/// the path does not exist at that revision; a blob over `limit` stops the read, ends
/// git, and is an error naming the limit.
fn git_show(dir: &Path, spec: &str, limit: u64) -> Result<Option<Vec<u8>>, BaselineError> {
    let spawn_error = |source| BaselineError::Git {
        spec: spec.to_string(),
        source,
    };
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        // Options end before the revision. No `--` after it: with one, git reports a
        // path missing at the revision as a "bad revision", which would read as an error
        // instead of "no baseline yet" (and a bad revision the same as a missing path).
        .args(["show", "--end-of-options", spec])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    // Standard error is read beside standard output (and drained past what is kept), so
    // that git never blocks on a full pipe.
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let errors = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let _ = (&mut stderr).take(GIT_STDERR_LIMIT).read_to_end(&mut kept);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        kept
    });
    let mut blob = Vec::new();
    let read = child
        .stdout
        .take()
        .expect("stdout is piped")
        .take(limit.saturating_add(1))
        .read_to_end(&mut blob);
    if read.is_err() || blob.len() as u64 > limit {
        let _ = child.kill();
    }
    let status = child.wait().map_err(spawn_error)?;
    let stderr = errors.join().unwrap_or_default();
    read.map_err(spawn_error)?;
    if blob.len() as u64 > limit {
        return Err(BaselineError::TooLarge {
            spec: spec.to_string(),
            limit,
        });
    }
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        if stderr.contains("does not exist") || stderr.contains("exists on disk, but not in") {
            return Ok(None);
        }
        return Err(BaselineError::GitShow {
            spec: spec.to_string(),
            stderr: stderr.trim().to_string(),
        });
    }
    Ok(Some(blob))
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
    fn a_git_blob_over_the_loader_limit_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "-q"]);
        let mut text = String::from("Resources:\n");
        for i in 0..200 {
            text.push_str(&format!("  Topic{i}:\n    Type: AWS::SNS::Topic\n"));
        }
        let template = dir.path().join("template.yaml");
        std::fs::write(&template, &text).unwrap();
        git(&["add", "template.yaml"]);
        git(&["commit", "-q", "-m", "t"]);
        let source = BaselineSource::parse("git:HEAD");
        let small = Limits {
            max_bytes: 1000,
            ..Limits::default()
        };
        let error = source.resolve(&template, &small).unwrap_err();
        assert!(
            matches!(&error, BaselineError::TooLarge { limit: 1000, .. }),
            "{error}"
        );
        assert!(
            error.to_string().contains("over the limit of 1000 bytes"),
            "{error}"
        );
        let loaded = source.resolve(&template, &Limits::default()).unwrap();
        assert_eq!(loaded.unwrap().source(), text);
        // A path that did not exist at the revision is no baseline, not an error.
        let missing = BaselineSource::parse("git:HEAD:other.yaml");
        assert!(missing.resolve(&template, &small).unwrap().is_none());
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
