//! Runs the `template` policy over the serverless-patterns corpus (real SAM and
//! CloudFormation templates, read in place from `../shared/corpus`, never copied here):
//! no template may make it fail or panic, and the findings must be well-formed and
//! agree with independent checks of what they claim.
//!
//! `PREFLIGHT_CORPUS` overrides the corpus folder. Without the folder the test says it
//! was skipped and passes.

use std::collections::{BTreeMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use preflight_policy::{Finding, Input, Policy, Report, Status};
use preflight_policy_template::TemplatePolicy;
use preflight_template::{Limits, Template};
use serde_json::Value;

const SETTINGS: &str = r#"{"today": "2026-06-01"}"#;

fn corpus_dir() -> PathBuf {
    match std::env::var_os("PREFLIGHT_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/serverless-patterns")
        }
    }
}

/// The templates of the corpus: from its `_templates.tsv` index when there is one (all
/// rows, CloudFormation or not), otherwise every YAML and JSON file under it.
fn templates(dir: &Path) -> Vec<PathBuf> {
    if let Ok(index) = std::fs::read_to_string(dir.join("_templates.tsv")) {
        return index
            .lines()
            .skip(1)
            .filter_map(|line| line.split('\t').next())
            .filter(|p| !p.is_empty())
            .map(|p| dir.join(p))
            .collect();
    }
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json" | "template"))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

struct Evaluated {
    path: PathBuf,
    template: Template,
    report: Report,
}

/// Loads and evaluates every corpus template as the host would (canonical JSON text in,
/// report out). Templates that do not load are counted, not evaluated.
fn evaluate_corpus() -> Option<(Vec<Evaluated>, usize)> {
    let dir = corpus_dir();
    if !dir.is_dir() {
        eprintln!("skipped: corpus folder {} does not exist", dir.display());
        return None;
    }
    let paths = templates(&dir);
    assert!(!paths.is_empty(), "no templates under {}", dir.display());
    let mut evaluated = Vec::new();
    let mut not_loaded = 0;
    let mut failures = Vec::new();
    for path in paths {
        let Ok(template) = Template::load(&path, &Limits::default()) else {
            not_loaded += 1;
            continue;
        };
        if !template.value().is_object() {
            not_loaded += 1;
            continue;
        }
        let input = Input::from_json(&template.to_json(), None, template.name(), SETTINGS)
            .expect("canonical JSON parses");
        match catch_unwind(AssertUnwindSafe(|| TemplatePolicy::evaluate(&input))) {
            Ok(Ok(report)) => evaluated.push(Evaluated {
                path,
                template,
                report,
            }),
            Ok(Err(e)) => failures.push(format!("{}: evaluation error: {e}", path.display())),
            Err(_) => failures.push(format!("{}: panicked", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Some((evaluated, not_loaded))
}

#[test]
fn corpus_evaluates_cleanly_and_findings_are_sound() {
    let Some((evaluated, not_loaded)) = evaluate_corpus() else {
        return;
    };
    let rule_ids: Vec<String> = TemplatePolicy::metadata()
        .rules
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut problems = Vec::new();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for e in &evaluated {
        let name = e.path.display();
        let statuses: Vec<&str> = e.report.rules.iter().map(|r| r.rule.as_str()).collect();
        if statuses != rule_ids {
            problems.push(format!("{name}: statuses {statuses:?}"));
        }
        for f in &e.report.findings {
            *per_rule.entry(f.rule.clone()).or_default() += 1;
            if let Some(problem) = malformed(e, f) {
                problems.push(format!("{name}: {} {}: {problem}", f.rule, f.message));
            }
            let status = e.report.rules.iter().find(|r| r.rule == f.rule);
            if status.map(|s| s.status) != Some(Status::Fail) {
                problems.push(format!(
                    "{name}: {} has a finding but is not `fail`",
                    f.rule
                ));
            }
        }
        problems.extend(function_findings_are_true(e));
        problems.extend(unused_parameters_are_unused(e));
        problems.extend(missing_depends_on_targets_are_missing(e));
        problems.extend(cycles_reported_once(e));
    }
    eprintln!(
        "corpus: {} templates evaluated, {not_loaded} not loaded; findings per rule: {per_rule:?}",
        evaluated.len()
    );
    assert!(evaluated.len() > 100, "too few templates evaluated");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether a finding is well-formed: a known severity band is not checked here (the
/// type guarantees it), but the pointer must resolve, a highlight must be found inside
/// it, and the message must be one line without a trailing period.
fn malformed(e: &Evaluated, f: &Finding) -> Option<String> {
    let Some(at) = e.template.locate(&f.pointer) else {
        return Some(format!("pointer {} does not resolve", f.pointer));
    };
    if let Some(h) = &f.highlight
        && e.template.narrow(at, h).is_none()
    {
        return Some(format!("highlight {h:?} not found at {}", f.pointer));
    }
    if f.message.contains('\n') || f.message.ends_with('.') || f.message.is_empty() {
        return Some("message is not one sentence without a trailing period".to_string());
    }
    None
}

/// TPL006 says a function lacks Handler or Runtime only when neither the function's
/// `Properties` nor (for SAM, unless `IgnoreGlobals` leaves it out) `Globals.Function`
/// sets it.
fn function_findings_are_true(e: &Evaluated) -> Vec<String> {
    let root = e.template.value();
    let mut problems = Vec::new();
    for f in e.report.findings.iter().filter(|f| f.rule == "TPL006") {
        let Some(id) = &f.resource else {
            continue;
        };
        let resource = &root["Resources"][id.as_str()];
        for property in ["Handler", "Runtime"] {
            let claims_missing = f.message.contains(&format!("has no {property}"))
                || f.message.contains(&format!("and no {property}"));
            if !claims_missing {
                continue;
            }
            let local = resource["Properties"]
                .get(property)
                .is_some_and(|v| !v.is_null());
            let ignored = match &resource["IgnoreGlobals"] {
                Value::String(s) => s == "*",
                Value::Array(items) => items.iter().any(|i| i == property),
                _ => false,
            };
            let global = resource["Type"] == "AWS::Serverless::Function"
                && !ignored
                && root["Globals"]["Function"]
                    .get(property)
                    .is_some_and(|v| !v.is_null());
            if local || global {
                problems.push(format!(
                    "{}: TPL006 says `{id}` has no {property}, but it has one",
                    e.path.display()
                ));
            }
        }
    }
    problems
}

/// TPL004 says a parameter is never used only when no `{"Ref": name}` names it outside
/// `Parameters` and the template-level `Metadata`.
fn unused_parameters_are_unused(e: &Evaluated) -> Vec<String> {
    let Some(root) = e.template.value().as_object() else {
        return Vec::new();
    };
    let elsewhere: String = root
        .iter()
        .filter(|(k, _)| *k != "Parameters" && *k != "Metadata")
        .map(|(_, v)| v.to_string())
        .collect();
    e.report
        .findings
        .iter()
        .filter(|f| f.rule == "TPL004")
        .filter_map(|f| {
            let name = f.message.split('`').nth(1)?;
            let reference = serde_json::json!({ "Ref": name }).to_string();
            elsewhere.contains(&reference).then(|| {
                format!(
                    "{}: TPL004 says `{name}` is unused, but it is referenced",
                    e.path.display()
                )
            })
        })
        .collect()
}

/// TPL002 says a DependsOn target is not a resource only when `Resources` has no such key.
fn missing_depends_on_targets_are_missing(e: &Evaluated) -> Vec<String> {
    let resources = &e.template.value()["Resources"];
    e.report
        .findings
        .iter()
        .filter(|f| f.rule == "TPL002" && f.message.contains("which is not a resource"))
        .filter_map(|f| {
            let target = f.message.split('`').nth(3)?;
            resources.get(target).map(|_| {
                format!(
                    "{}: TPL002 says `{target}` is not a resource, but it is",
                    e.path.display()
                )
            })
        })
        .collect()
}

/// TPL008 reports each cycle once: no two findings name the same set of resources.
fn cycles_reported_once(e: &Evaluated) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for f in e.report.findings.iter().filter(|f| f.rule == "TPL008") {
        let Some(cycle) = f.message.split('`').nth(1) else {
            problems.push(format!(
                "{}: TPL008 message without a cycle",
                e.path.display()
            ));
            continue;
        };
        let mut members: Vec<&str> = cycle.split(" -> ").collect();
        members.sort_unstable();
        members.dedup();
        if !seen.insert(members.join(",")) {
            problems.push(format!(
                "{}: cycle {cycle} reported twice",
                e.path.display()
            ));
        }
    }
    problems
}

/// A hand-made check on real data: in the corpus, functions that get Handler and Runtime
/// only from `Globals` are never reported by TPL006 as lacking them, and there are such
/// functions (so that the check above is not vacuous).
#[test]
fn globals_only_functions_exist_in_corpus_and_pass() {
    let Some((evaluated, _)) = evaluate_corpus() else {
        return;
    };
    let mut globals_only = 0;
    for e in &evaluated {
        let root = e.template.value();
        let globals = &root["Globals"]["Function"];
        if globals.get("Handler").is_none() || globals.get("Runtime").is_none() {
            continue;
        }
        let Some(resources) = root["Resources"].as_object() else {
            continue;
        };
        for (id, r) in resources {
            let uses_globals = r["Type"] == "AWS::Serverless::Function"
                && r["Properties"].get("Handler").is_none()
                && r["Properties"].get("Runtime").is_none()
                && r.get("IgnoreGlobals").is_none();
            if !uses_globals {
                continue;
            }
            globals_only += 1;
            let wrongly = e.report.findings.iter().any(|f| {
                f.rule == "TPL006"
                    && f.resource.as_deref() == Some(id.as_str())
                    && (f.message.contains("Handler") || f.message.contains("Runtime"))
            });
            assert!(
                !wrongly,
                "{}: `{id}` flagged despite Globals",
                e.path.display()
            );
        }
    }
    eprintln!("functions with Handler and Runtime only from Globals: {globals_only}");
    assert!(
        globals_only > 0,
        "the corpus has no function relying on Globals"
    );
}
