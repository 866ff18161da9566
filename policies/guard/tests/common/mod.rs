//! Helpers shared by the corpus tests: they play the host's part (reading rule files,
//! templates and parameter files) and run the `guard` policy natively.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use preflight_policy::{Input, Policy, Report, Status};
use preflight_policy_guard::GuardPolicy;
use preflight_template::{Limits, Template};
use serde_json::{Value, json};

/// The shared corpus folder, when it is there.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// The extensions `cfn-guard validate` reads rule files with, from a directory.
const RULE_EXTENSIONS: &[&str] = &[".guard", ".ruleset"];
/// The extensions it reads data and parameter files with, from a directory.
const DATA_EXTENSIONS: &[&str] = &[".yaml", ".yml", ".json", ".jsn", ".template"];

/// Files under `path` (itself when a file) with one of `extensions` (directories
/// only), alphabetically, as cfn-guard walks them. `None` when `path` does not exist.
pub fn expand(path: &Path, extensions: &[&str]) -> Option<Vec<PathBuf>> {
    if path.is_file() {
        return Some(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return None;
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if extensions.iter().any(|e| p.to_string_lossy().ends_with(e)) {
                out.push(p);
            }
        }
    }
    out.sort();
    Some(out)
}

/// Rule files as the host passes them: `{"name": <file name>, "text": ...}`.
pub fn rule_files(paths: &[PathBuf]) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for p in paths {
        for file in expand(p, RULE_EXTENSIONS)? {
            let text = std::fs::read_to_string(&file).ok()?;
            let name = file.file_name()?.to_string_lossy().to_string();
            out.push(json!({"name": name, "text": text}));
        }
    }
    Some(out)
}

/// Loads a template or parameter file as the host does (canonical JSON). `None` when
/// it does not load or is empty (cfn-guard refuses empty data files too).
pub fn load(path: &Path) -> Option<Value> {
    let t = Template::load(path, &Limits::default()).ok()?;
    let v = t.into_value();
    (!v.is_null()).then_some(v)
}

/// Data files under `paths`, loaded; `None` when one is missing or does not load.
pub fn data_files(paths: &[PathBuf]) -> Option<Vec<(PathBuf, Value)>> {
    let mut out = Vec::new();
    for p in paths {
        for file in expand(p, DATA_EXTENSIONS)? {
            let v = load(&file)?;
            out.push((file, v));
        }
    }
    Some(out)
}

/// Runs the policy natively on one template.
pub fn run(template: &Value, settings: &Value) -> Result<Report, String> {
    let input = Input {
        template: template.clone(),
        baseline: None,
        path: "template".to_string(),
        settings: settings.clone(),
    };
    GuardPolicy::evaluate(&input)
}

/// `cfn-guard validate`'s overall outcome, from our reports: `INTERNAL_FAILURE` when a
/// rule file could not be parsed or evaluated, `VALIDATION_ERROR` when a rule failed,
/// `SUCCESS` otherwise.
pub fn overall(report: &Report) -> &'static str {
    if report
        .findings
        .iter()
        .any(|f| f.rule.ends_with("/parse-error") || f.rule.ends_with("/eval-error"))
    {
        "INTERNAL_FAILURE"
    } else if report.rules.iter().any(|r| r.status == Status::Fail) {
        "VALIDATION_ERROR"
    } else {
        "SUCCESS"
    }
}
