//! Robustness on real templates (`../shared/corpus/serverless-patterns`): for every
//! template that loads, the permission model builds, a template compared with itself
//! has no changes, and a new stack (compared with `{}`) is read without panicking.
//! Prints what it found. Skipped when the corpus is not there.

use std::path::{Path, PathBuf};
use std::time::Instant;

use preflight_policy::diff::diff;
use preflight_policy::permissions::{Effect, Model};
use preflight_template::{Limits, Template};
use serde_json::json;

fn corpus() -> PathBuf {
    match std::env::var_os("PREFLIGHT_CORPUS") {
        Some(dir) => PathBuf::from(dir).join("serverless-patterns"),
        None => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/serverless-patterns")
        }
    }
}

#[test]
fn self_diff_is_empty_on_real_templates() {
    let dir = corpus();
    let Ok(index) = std::fs::read_to_string(dir.join("_templates.tsv")) else {
        println!(
            "skipped: no serverless-patterns corpus at {}",
            dir.display()
        );
        return;
    };
    let start = Instant::now();
    let (mut loaded, mut statements, mut unknown, mut broadening_new) = (0, 0, 0, 0);
    let (mut managed, mut rules, mut switches) = (0, 0, 0);
    let mut failures = Vec::new();
    for line in index.lines().skip(1) {
        let Some(path) = line.split('\t').next() else {
            continue;
        };
        let Ok(template) = Template::load(&dir.join(path), &Limits::default()) else {
            continue;
        };
        loaded += 1;
        let value = template.value();
        let model = Model::from_template(value);
        statements += model.statements().count();
        unknown += model
            .statements()
            .filter(|s| s.effect == Effect::Unknown)
            .count();
        managed += model.managed_policies().len();
        rules += model.network_rules().len();
        switches += model.exposure().len();
        let same = diff(value, value);
        if !same.is_empty() {
            failures.push(format!(
                "{path}: {} changes against itself",
                same.changes.len()
            ));
        }
        let fresh = diff(&json!({}), value);
        if fresh.broadening {
            broadening_new += 1;
        }
        let _ = fresh.tables();
    }
    println!(
        "{loaded} templates in {:?}: {statements} statements ({unknown} unreadable), \
         {managed} managed policy attachments, {rules} security group rules, \
         {switches} exposure switches; {broadening_new} are broadening as new stacks",
        start.elapsed()
    );
    assert!(loaded > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
