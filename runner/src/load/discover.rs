//! Finding templates for `preflight audit`: walk the given paths (honouring
//! `.gitignore`), keep files that look like SAM or CloudFormation templates by content,
//! and skip build output (`.aws-sam/`, `cdk.out/`, `node_modules/`) unless named.
//!
//! A file named like a template (`template.yaml`, `*.template.json`, ...) that cannot be
//! read or recognised (unreadable, empty, not UTF-8 such as UTF-16, a FIFO) is kept too,
//! so that loading it reports why, instead of the audit passing without it.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Directories whose contents are generated, not authored.
const GENERATED_DIRS: &[&str] = &[".aws-sam", "cdk.out", "node_modules", ".git", "target"];

/// Extensions a template may have.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template"];

/// How many bytes are read to decide whether a file is a template.
const SNIFF_BYTES: usize = 64 * 1024;

/// A bad `[audit] exclude` pattern.
#[derive(Debug, thiserror::Error)]
#[error("[audit] exclude pattern `{pattern}`: {}", .source.kind())]
pub struct PatternError {
    /// The pattern (all of them, when the set could not be built).
    pub pattern: String,
    /// globset's reason.
    #[source]
    pub source: globset::Error,
}

/// Collects template paths under `roots`. A root that is a file is always included (the
/// user named it). Paths come back sorted, without duplicates.
pub fn find_templates(roots: &[PathBuf], exclude: &[String]) -> Result<Vec<PathBuf>, PatternError> {
    let exclude = build_globs(exclude)?;
    let mut found = Vec::new();
    for root in roots {
        // Named by the user: a file, or a FIFO or device that loading will refuse by name.
        if !root.is_dir() {
            found.push(root.clone());
            continue;
        }
        let root_is_generated = is_generated(root);
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .require_git(false)
            .filter_entry(move |entry| {
                root_is_generated
                    || entry.depth() == 0
                    || !entry.file_type().is_some_and(|t| t.is_dir())
                    || !GENERATED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref())
            })
            .build();
        for entry in walker.filter_map(Result::ok) {
            let path = entry.path();
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() || file_type.is_symlink() || exclude.is_match(path) {
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
                continue;
            }
            let keep = match sniff(path) {
                Sniff::Template => true,
                Sniff::Other => false,
                Sniff::Unrecognised => named_like_template(path),
            };
            if keep {
                found.push(path.to_path_buf());
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn is_generated(path: &Path) -> bool {
    path.components()
        .any(|c| GENERATED_DIRS.contains(&c.as_os_str().to_string_lossy().as_ref()))
}

fn build_globs(patterns: &[String]) -> Result<GlobSet, PatternError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|source| PatternError {
            pattern: pattern.clone(),
            source,
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|source| PatternError {
        pattern: patterns.join(", "),
        source,
    })
}

/// What the head of a file says it is.
enum Sniff {
    /// A SAM or CloudFormation template, by content.
    Template,
    /// Readable text that is something else.
    Other,
    /// Not readable (or not a regular file), empty, or not UTF-8 text.
    Unrecognised,
}

fn sniff(path: &Path) -> Sniff {
    // Bounded and non-blocking: a FIFO or device is refused, not read.
    let Ok(head) = preflight_template::fs::read_head(path, SNIFF_BYTES as u64) else {
        return Sniff::Unrecognised;
    };
    let utf8 = match std::str::from_utf8(&head) {
        Ok(_) => true,
        // Cut inside a character at the end of the head: still text.
        Err(e) => e.error_len().is_none(),
    };
    if head.iter().all(u8::is_ascii_whitespace) || !utf8 || head.contains(&0) {
        Sniff::Unrecognised
    } else if looks_like_template(&head) {
        Sniff::Template
    } else {
        Sniff::Other
    }
}

/// Whether `path` is a template by its content, or named like one (so a broken
/// `template.yaml` is still checked and its error reported): `check
/// --skip-non-templates` passes over the rest.
pub fn is_template(path: &Path) -> bool {
    matches!(sniff(path), Sniff::Template) || named_like_template(path)
}

/// `template.yaml`/`.yml`/`.json` (SAM's and most tools' default name), or
/// `NAME.template[.json|.yaml|.yml]`.
fn named_like_template(path: &Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    let stem = [".json", ".yaml", ".yml"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name);
    stem == "template" || stem.ends_with(".template")
}

/// A template is a mapping with a top-level `Resources` key and something
/// CloudFormation-specific: a format version, a transform, or a resource `Type` of
/// `AWS::`/`Custom::`. This reads only the head of the file; loading proper (with its
/// errors) comes later. A list at the top (test cases that embed templates, a tool's
/// report) is not a template, whatever it mentions.
fn looks_like_template(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    if starts_with_a_list(&text) {
        return false;
    }
    let has_resources =
        text.lines().any(|l| l.starts_with("Resources:")) || text.contains("\"Resources\"");
    let cfn_marker = text.contains("AWSTemplateFormatVersion")
        || text.contains("AWS::Serverless")
        || text.contains("Type: AWS::")
        || text.contains("Type: 'AWS::")
        || text.contains("Type: \"AWS::")
        || text.contains("\"Type\": \"AWS::")
        || text.contains("\"Type\":\"AWS::")
        || text.contains("Custom::");
    has_resources && cfn_marker
}

/// Whether the first document's top level is a sequence: its first significant line
/// (after comments, directives and `---`) opens a JSON array or a YAML block item.
fn starts_with_a_list(text: &str) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim_start)
        .find(|l| !(l.is_empty() || l.starts_with('#') || l.starts_with('%') || *l == "---"));
    let first = first.map(|l| l.strip_prefix("--- ").unwrap_or(l));
    first.is_some_and(|l| l.starts_with('[') || l == "-" || l.starts_with("- "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_templates_by_content_and_skips_build_output() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        let template = "Resources:\n  T:\n    Type: AWS::SNS::Topic\n";
        write("app/template.yaml", template);
        write("app/config.yaml", "name: not a template\n");
        // Lists that embed templates (cfn-guard's test cases, a tool's report).
        write(
            "app/cases.json",
            "[{\"input\": {\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\"}}}}]",
        );
        write(
            "app/cases.yaml",
            "# cases\n---\n- {\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\"}}}\n",
        );
        write("app/.aws-sam/build/template.yaml", template);
        write(
            "cdk.out/Stack.template.json",
            "{\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\"}}}",
        );
        write("ignored/template.yaml", template);
        write(".gitignore", "ignored/\n");
        let found = find_templates(&[dir.path().to_path_buf()], &[]).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["app/template.yaml"]);
        // Named explicitly, generated directories are walked.
        let found = find_templates(&[dir.path().join("cdk.out")], &[]).unwrap();
        assert_eq!(found.len(), 1);
    }
}
