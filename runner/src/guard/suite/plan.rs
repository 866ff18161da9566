//! Planning a `policy test` run: which rules file is tested with which test files, from
//! `-r RULES -t TESTS` or from a directory, paired as `cfn-guard test` pairs them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One rules file and its test files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// The rules file.
    pub rules: PathBuf,
    /// Its test files, in the order their cases run.
    pub tests: Vec<PathBuf>,
    /// What cfn-guard calls the rules file when naming its top-level clauses' rule
    /// (`<prefix>/default`): the path as given, or the file stem in directory mode.
    pub prefix: String,
}

/// Why tests could not be planned (a usage or input error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

/// The suite of `-r RULES -t TESTS`: one rules file, and a test file or every test file
/// (`.json`, `.yaml`, `.yml`, `.jsn`, `.JSON`, `.YAML`) under a directory, sorted.
pub fn single(rules: &Path, tests: &Path) -> Result<Suite, PlanError> {
    if !rules.exists() {
        return Err(PlanError(format!(
            "{}: no such rules file",
            rules.display()
        )));
    }
    if !rules.is_file() {
        return Err(PlanError(format!(
            "{}: is not a file (give a directory with --dir)",
            rules.display()
        )));
    }
    if !tests.exists() {
        return Err(PlanError(format!(
            "{}: no such test file or directory",
            tests.display()
        )));
    }
    let is_test = |name: &str| {
        [".json", ".yaml", ".JSON", ".YAML", ".yml", ".jsn"]
            .iter()
            .any(|ext| name.ends_with(ext))
    };
    // As cfn-guard: the filter applies to the path given too, so a file with another
    // extension has no cases.
    let files = walkdir::WalkDir::new(tests)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.path().is_dir() || e.file_name().to_str().is_some_and(is_test))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    Ok(Suite {
        rules: rules.to_path_buf(),
        tests: files,
        prefix: rules.to_string_lossy().into_owned(),
    })
}

/// The suites of `--dir DIR`, paired as `cfn-guard test -d DIR` pairs them; rules files
/// without tests are included with no test files.
pub fn directory(dir: &Path) -> Result<Vec<Suite>, PlanError> {
    if !dir.is_dir() {
        return Err(PlanError(format!("{}: no such directory", dir.display())));
    }
    let mut by_dir: BTreeMap<String, Vec<Suite>> = BTreeMap::new();
    let mut others = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let stem = name
            .strip_suffix(".guard")
            .or_else(|| name.strip_suffix(".ruleset"));
        match stem {
            Some(stem) => {
                let parent = path.parent().map(|p| p.display().to_string());
                by_dir
                    .entry(parent.unwrap_or_default())
                    .or_default()
                    .push(Suite {
                        rules: path.to_path_buf(),
                        tests: Vec::new(),
                        prefix: stem.to_string(),
                    });
            }
            None => others.push((name, path.to_path_buf())),
        }
    }
    for (name, path) in others {
        if ![".yaml", ".yml", ".json", ".jsn"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            continue;
        }
        let Some(parent) = path.parent() else {
            continue;
        };
        if !parent.ends_with("tests") {
            continue;
        }
        let Some(grand) = parent.parent() else {
            continue;
        };
        if let Some(candidates) = by_dir.get_mut(&grand.display().to_string())
            && let Some(suite) = candidates
                .iter_mut()
                .rev() // on a tie, the first by file name
                .filter(|s| name.starts_with(&s.prefix))
                .max_by_key(|s| s.prefix.len())
        {
            suite.tests.push(path);
        }
    }
    Ok(by_dir.into_values().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_pairs_tests_by_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/tests")).unwrap();
        for f in [
            "a/x.guard",
            "a/x_more.guard",
            "a/y.ruleset",
            "a/z.guard",
            "a/tests/x_tests.yaml",
            "a/tests/x_more_tests.yml",
            "a/tests/y_tests.json",
            "a/tests/notes.txt",
            "a/w_tests.yaml",
        ] {
            std::fs::write(root.join(f), "").unwrap();
        }
        let suites = directory(root).unwrap();
        let got: Vec<(String, Vec<String>)> = suites
            .iter()
            .map(|s| {
                (
                    s.prefix.clone(),
                    s.tests
                        .iter()
                        .map(|t| t.file_name().unwrap().to_string_lossy().into_owned())
                        .collect(),
                )
            })
            .collect();
        // The longest stem that begins the test file's name (cfn-guard: the first).
        assert_eq!(
            got,
            vec![
                ("x".into(), vec!["x_tests.yaml".into()]),
                ("x_more".into(), vec!["x_more_tests.yml".into()]),
                ("y".into(), vec!["y_tests.json".into()]),
                ("z".into(), vec![]),
            ]
        );
    }
}
