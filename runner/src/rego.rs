//! What the built-in `rego` policy (regorus in the sandbox, `policies/rego`) is given
//! besides the template: the `.rego` files named in `[policies.rego] files` and by
//! `--rego FILE|DIR`, read into its settings (the guest never sees a file system).
//!
//! Directories are walked for `*.rego` files, sorted so runs are reproducible; a file's
//! name in messages is its path under the directory given, without `.rego`
//! (`aws/s3`). Rule ids come from the Rego packages (`main/deny`), not the file names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::config::PolicyConfig;

/// The built-in rego policy's name in configuration.
pub const BUILTIN: &str = "rego";

/// A `.rego` file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read Rego file {}: {source}", .path.display())]
pub struct InputError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Adds the rego policy to `wanted` when it has files: those configured (relative to
/// `base`, the configuration's directory) and those given on the command line.
pub fn configure(wanted: &mut BTreeMap<String, PolicyConfig>, base: &Path, files: &[PathBuf]) {
    let mut rego = wanted.remove(BUILTIN).unwrap_or_default();
    if rego.path.is_some() {
        // A component configured under the name is that component, not the built-in.
        wanted.insert(BUILTIN.to_string(), rego);
        return;
    }
    rego.files = rego.files.iter().map(|p| base.join(p)).collect();
    rego.files.extend(files.iter().cloned());
    if !rego.files.is_empty() {
        wanted.insert(BUILTIN.to_string(), rego);
    }
}

/// Puts the text of the rego policy's files into `settings.files`; other policies'
/// settings are left alone.
pub fn add_settings(
    name: &str,
    policy: &PolicyConfig,
    settings: &mut Value,
) -> Result<(), InputError> {
    if name != BUILTIN || policy.path.is_some() {
        return Ok(());
    }
    settings["files"] = Value::Array(read_files(&policy.files)?);
    Ok(())
}

/// Each file named, each directory walked for `*.rego`, as `{name, text}` entries.
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<Value>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(path)
                .standard_filters(false)
                .build()
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rego"))
                .collect();
            found.sort();
            files.extend(found.into_iter().map(|f| (file_name(path, &f), f)));
        } else {
            let parent = path.parent().unwrap_or(Path::new(""));
            files.push((file_name(parent, path), path.clone()));
        }
    }
    let mut seen: Vec<String> = Vec::new();
    files
        .into_iter()
        .map(|(mut name, path)| {
            let text =
                preflight_template::fs::read_to_string(&path, preflight_template::fs::INPUT_LIMIT)
                    .map_err(|source| InputError {
                        path: path.clone(),
                        source,
                    })?;
            // Two files given from different places may share a name: keep them apart.
            if seen.contains(&name) {
                name = path.display().to_string();
            }
            seen.push(name.clone());
            Ok(json!({"name": name, "text": text}))
        })
        .collect()
}

/// A file's name in messages: its path under the directory given, without `.rego`.
fn file_name(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    relative
        .with_extension("")
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("policy/aws")).unwrap();
        std::fs::write(dir.path().join("policy/aws/s3.rego"), "package s3").unwrap();
        std::fs::write(dir.path().join("policy/main.rego"), "package main").unwrap();
        std::fs::write(dir.path().join("policy/notes.md"), "no").unwrap();
        std::fs::write(dir.path().join("one.rego"), "package one").unwrap();
        let files = read_files(&[dir.path().join("policy"), dir.path().join("one.rego")]).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["aws/s3", "main", "one"]);
        assert_eq!(files[1]["text"], "package main");
        let missing = read_files(&[dir.path().join("missing.rego")]).unwrap_err();
        assert!(missing.to_string().contains("missing.rego"), "{missing}");
    }

    #[test]
    fn configured_and_command_line_files_add_the_policy() {
        let mut wanted = BTreeMap::new();
        configure(&mut wanted, Path::new("/base"), &[]);
        assert!(wanted.is_empty());
        wanted.insert(
            BUILTIN.to_string(),
            PolicyConfig {
                files: vec!["policy".into()],
                ..Default::default()
            },
        );
        configure(&mut wanted, Path::new("/base"), &["extra.rego".into()]);
        assert_eq!(
            wanted[BUILTIN].files,
            [PathBuf::from("/base/policy"), PathBuf::from("extra.rego")]
        );
    }
}
