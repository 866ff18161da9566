//! Adopting preflight on a repository that already has findings: `audit
//! --write-baseline FILE` records today's findings, and `--findings-baseline FILE` (or
//! `[audit] findings-baseline`) then reports and blocks only new ones.
//!
//! A finding is known by its rule, template path, resource and JSON pointer (the
//! property path), not by its line, so edits elsewhere in a file keep it matched. The
//! same fingerprint may occur more than once (a rule reporting one property twice); the
//! baseline counts them, and only occurrences beyond the count are new.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::decide::Verdict;
use crate::finding::{Finding, HostRule};
use crate::run::RunReport;

/// The version of the baseline file format.
pub const FORMAT_VERSION: u32 = 1;

/// A findings baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FindingsBaseline {
    /// Format version ([`FORMAT_VERSION`]).
    pub version: u32,
    /// The known findings, sorted.
    pub findings: Vec<Known>,
}

/// One known finding (or several with the same fingerprint).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Known {
    /// Rule id.
    pub rule: String,
    /// Template path, relative to the working directory when under it, with `/`.
    pub template: String,
    /// Logical id of the resource, when the finding names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// JSON pointer of the property.
    pub pointer: String,
    /// How many findings share this fingerprint (default 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
    /// The message when it was recorded, for people reading the file (not matched).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineFileError {
    /// Reading or writing failed.
    #[error("findings baseline {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not a baseline this version reads.
    #[error("findings baseline {}: line {}, column {}: {source}", .path.display(), .source.line(), .source.column())]
    Format {
        /// The file.
        path: PathBuf,
        /// serde_json's reason.
        #[source]
        source: serde_json::Error,
    },
    /// A newer format.
    #[error("findings baseline {}: format version {found}, this preflight reads {FORMAT_VERSION}", .path.display())]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u32,
    },
}

/// What applying a baseline did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings the baseline knew, left out of the report.
    pub known: usize,
    /// Findings reported (not in the baseline).
    pub new: usize,
    /// Baseline entries no longer found (fixed, or moved to another resource).
    pub gone: usize,
}

type Key = (String, String, Option<String>, String);

/// Whether a finding can be recorded: errors of preflight itself (a policy that failed,
/// a baseline template that could not be read) are never accepted as known.
fn recordable(f: &Finding) -> bool {
    f.suppressed.is_none() && !f.is(HostRule::PolicyError) && !f.is(HostRule::BaselineError)
}

/// The template path as the baseline spells it.
pub fn template_key(file: &str, cwd: &Path) -> String {
    let path = Path::new(file);
    let relative = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}

fn key(f: &Finding, cwd: &Path) -> Key {
    (
        f.rule.clone(),
        template_key(&f.file, cwd),
        f.resource.clone(),
        f.pointer.clone(),
    )
}

impl FindingsBaseline {
    /// The findings of `report`, paths relative to `cwd`.
    pub fn record(report: &RunReport, cwd: &Path) -> FindingsBaseline {
        let mut counts: BTreeMap<Key, (usize, String)> = BTreeMap::new();
        for f in report
            .templates
            .iter()
            .flat_map(|t| &t.findings)
            .filter(|f| recordable(f))
        {
            let entry = counts.entry(key(f, cwd)).or_insert((0, f.message.clone()));
            entry.0 += 1;
        }
        FindingsBaseline {
            version: FORMAT_VERSION,
            findings: counts
                .into_iter()
                .map(
                    |((rule, template, resource, pointer), (count, message))| Known {
                        rule,
                        template,
                        resource,
                        pointer,
                        count,
                        message,
                    },
                )
                .collect(),
        }
    }

    /// How many findings it records.
    pub fn len(&self) -> usize {
        self.findings.iter().map(|k| k.count).sum()
    }

    /// Whether it records none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<FindingsBaseline, BaselineFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineFileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        #[derive(Deserialize)]
        struct Head {
            version: u32,
        }
        let format = |source| BaselineFileError::Format {
            path: path.to_path_buf(),
            source,
        };
        let head: Head = serde_json::from_str(&text).map_err(format)?;
        if head.version != FORMAT_VERSION {
            return Err(BaselineFileError::Version {
                path: path.to_path_buf(),
                found: head.version,
            });
        }
        serde_json::from_str(&text).map_err(format)
    }

    /// Writes the file atomically (a temporary file beside it, then a rename).
    pub fn write(&self, path: &Path) -> Result<(), BaselineFileError> {
        let io = |source| BaselineFileError::Io {
            path: path.to_path_buf(),
            source,
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut text = serde_json::to_string_pretty(self).map_err(|e| io(e.into()))?;
        text.push('\n');
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        std::io::Write::write_all(&mut temp, text.as_bytes()).map_err(io)?;
        temp.as_file().sync_all().map_err(io)?;
        temp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// Leaves the known findings out of `report` and recomputes its verdicts.
    pub fn apply(&self, report: &mut RunReport, cwd: &Path) -> Applied {
        let mut remaining: BTreeMap<Key, usize> = self
            .findings
            .iter()
            .map(|k| {
                (
                    (
                        k.rule.clone(),
                        k.template.clone(),
                        k.resource.clone(),
                        k.pointer.clone(),
                    ),
                    k.count,
                )
            })
            .collect();
        let mut applied = Applied::default();
        for template in &mut report.templates {
            template.findings.retain(|f| {
                if !recordable(f) {
                    return true;
                }
                match remaining.get_mut(&key(f, cwd)) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        applied.known += 1;
                        false
                    }
                    _ => {
                        applied.new += 1;
                        true
                    }
                }
            });
            template.verdict = template.verdict();
        }
        applied.gone = remaining.values().sum();
        report.verdict = report
            .templates
            .iter()
            .map(|t| t.verdict)
            .max()
            .unwrap_or(Verdict::Pass);
        applied
    }
}
