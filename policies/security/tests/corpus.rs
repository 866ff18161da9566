//! Runs the whole `security` policy over the serverless-patterns corpus (real SAM and
//! CloudFormation templates, read in place from `../shared/corpus`, never copied here):
//! no template may make it fail or panic, every finding must be well-formed and point
//! into its template, and the fire counts per rule are printed to keep an eye on noise.
//!
//! `PREFLIGHT_CORPUS` overrides the corpus folder. Without the folder the test says
//! SKIPPED and passes.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use preflight_policy::{Input, Policy, Status};
use preflight_policy_security::SecurityPolicy;
use preflight_template::{Limits, Template};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    match std::env::var_os("PREFLIGHT_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/serverless-patterns")
        }
    }
}

/// The templates of the corpus, from its `_templates.tsv` index (CloudFormation rows).
fn templates(dir: &Path) -> Vec<PathBuf> {
    let index = std::fs::read_to_string(dir.join("_templates.tsv")).unwrap_or_default();
    index
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.len() > 3 && cols[3] == "1").then(|| dir.join(cols[0]))
        })
        .collect()
}

#[test]
fn serverless_patterns_evaluate_cleanly() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        println!("SKIPPED: corpus folder {} does not exist", dir.display());
        return;
    }
    let paths = templates(&dir);
    assert!(!paths.is_empty(), "no templates under {}", dir.display());
    let rules: Vec<String> = SecurityPolicy::metadata()
        .rules
        .into_iter()
        .map(|r| r.id)
        .collect();
    // rule → (templates it fired on, findings)
    let mut fired: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut errors = Vec::new();
    let (mut evaluated, mut unloadable) = (0usize, 0usize);
    for path in &paths {
        let Ok(template) = Template::load(path, &Limits::default()) else {
            unloadable += 1;
            continue;
        };
        let input = Input {
            template: template.value().clone(),
            baseline: None,
            path: path.display().to_string(),
            settings: Value::Object(Default::default()),
        };
        let result = catch_unwind(AssertUnwindSafe(|| SecurityPolicy::evaluate(&input)));
        let report = match result {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => {
                errors.push(format!("{}: {e}", path.display()));
                continue;
            }
            Err(_) => {
                errors.push(format!("{}: panicked", path.display()));
                continue;
            }
        };
        evaluated += 1;
        assert_eq!(report.rules.len(), rules.len(), "{}", path.display());
        for f in &report.findings {
            assert!(rules.contains(&f.rule), "unknown rule {}", f.rule);
            assert!(!f.message.is_empty());
            assert!(
                input.template.pointer(&f.pointer).is_some(),
                "{}: {} points nowhere: {}",
                path.display(),
                f.rule,
                f.pointer
            );
            fired.entry(f.rule.clone()).or_default().1 += 1;
        }
        for status in report.rules.iter().filter(|r| r.status == Status::Fail) {
            fired.entry(status.rule.clone()).or_default().0 += 1;
        }
    }
    println!("evaluated {evaluated} templates ({unloadable} did not load)");
    println!("{:<8} {:>9} {:>9}", "rule", "templates", "findings");
    for rule in &rules {
        let (t, n) = fired.get(rule).copied().unwrap_or_default();
        println!("{rule:<8} {t:>9} {n:>9}");
    }
    assert!(
        errors.is_empty(),
        "evaluation errors:\n{}",
        errors.join("\n")
    );
}

/// Prints the findings of the rules named in `SEC_DUMP` (comma-separated) over the
/// corpus, to review them by eye: `SEC_DUMP=SEC003 cargo test --test corpus -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn dump_findings() {
    let dir = corpus_dir();
    let wanted: Vec<String> = std::env::var("SEC_DUMP")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    for path in templates(&dir) {
        let Ok(template) = Template::load(&path, &Limits::default()) else {
            continue;
        };
        let input = Input {
            template: template.value().clone(),
            baseline: None,
            path: path.display().to_string(),
            settings: Value::Object(Default::default()),
        };
        let Ok(report) = SecurityPolicy::evaluate(&input) else {
            continue;
        };
        for f in report.findings.iter().filter(|f| wanted.contains(&f.rule)) {
            let rel = path.strip_prefix(&dir).unwrap_or(&path);
            println!("{} {} {} {}", f.rule, f.severity, rel.display(), f.message);
        }
    }
}
