//! The `schema` policy against the real peers, over ../shared/corpus (skipped, saying
//! so, when the corpus is absent): cfn-lint 1.58.0 and cloudformation-validate 1.14.0
//! from target/venv (`make test-deps`).
//!
//! - `fidelity`: real templates. Precision: the share of the policy's findings that
//!   cfn-lint or cloudformation-validate also report at the same line (any of their
//!   schema rules); agreement: the share of cfn-lint's schema findings the policy
//!   reports at the same line. Every disagreement is listed by class.
//! - `mutations`: each template gets one injected mistake (tests/peers/mutate.py);
//!   of the mistakes cfn-lint catches at the mutated line, the share the policy catches
//!   there.
//!
//! By default every 8th serverless-patterns template is used (about a minute of
//! cfn-lint); `SCHEMA_FIDELITY_FULL=1` takes all of them (figures in docs/fidelity.md).
//! Results are also written to target/schema-fidelity/.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use preflight_policy::testing::run_template;
use preflight_policy_schema::SchemaPolicy;
use preflight_template::{Limits, Template};
use serde_json::{Value, json};

/// cfn-lint and cloudformation-validate rules in the policy's scope, by number: the
/// letter is the severity (cloudformation-validate reports cfn-lint's E3003 as F3003,
/// E3030 as W3030, ...).
const PEER_SCHEMA_RULES: &[&str] = &[
    "3001", "3002", "3003", "3006", "3012", "3014", "3015", "3017", "3018", "3020", "3030", "3031",
    "3032", "3033", "3034", "3037", "3040", "1010", "1040", "1041", "9003", "9004", "3510", "3512",
    "3530", "3037", "1030", "1031", "1032", "1034", "1035", "3038",
];

fn in_scope(rule: &str) -> bool {
    rule.get(1..)
        .is_some_and(|n| PEER_SCHEMA_RULES.contains(&n))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    dir.join("serverless-patterns").is_dir().then_some(dir)
}

fn python() -> PathBuf {
    let py = root().join("target/venv/bin/python");
    assert!(
        py.is_file() && root().join("target/venv/bin/cfn-lint").is_file(),
        "cfn-lint is not installed in target/venv: run `make test-deps`"
    );
    py
}

fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, keep, out);
        } else if keep(&path) {
            out.push(path);
        }
    }
}

/// Every `template.y*ml` of serverless-patterns (SAM and CloudFormation applications) and
/// every template of cfn_nag's spec (CloudFormation, hand-written for rule tests): every
/// 8th from `offset`, or all with SCHEMA_FIDELITY_FULL.
fn sample(corpus: &Path, offset: usize) -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_under(
        &corpus.join("serverless-patterns"),
        &|p| {
            p.file_name()
                .is_some_and(|n| n == "template.yaml" || n == "template.yml")
        },
        &mut files,
    );
    files_under(
        &corpus.join("cfn_nag/templates"),
        &|p| {
            p.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
        },
        &mut files,
    );
    files.sort();
    if std::env::var_os("SCHEMA_FIDELITY_FULL").is_some() {
        return files;
    }
    files.into_iter().skip(offset).step_by(8).collect()
}

/// (file, line) → peer rules found there.
type PeerIndex = BTreeMap<(String, usize), BTreeSet<String>>;

fn peers(files: &[PathBuf], tools: &[&str], out_dir: &Path) -> (PeerIndex, PeerIndex) {
    let list = out_dir.join("files.txt");
    let text: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    std::fs::write(&list, text.join("\n")).unwrap();
    let output = Command::new(python())
        .arg(root().join("policies/schema/tests/peers/peers.py"))
        .arg(&list)
        .args(tools)
        .output()
        .expect("running peers.py");
    assert!(
        output.status.success(),
        "peers.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (mut lint, mut validate) = (PeerIndex::new(), PeerIndex::new());
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let (Some(file), Some(rule), Some(at)) = (
            row["file"].as_str(),
            row["rule"].as_str(),
            row["line"].as_u64(),
        ) else {
            continue;
        };
        if !in_scope(rule) {
            continue;
        }
        let index = if row["tool"] == "cfn-lint" {
            &mut lint
        } else {
            &mut validate
        };
        let file = std::fs::canonicalize(file).unwrap().display().to_string();
        index
            .entry((file, at as usize))
            .or_default()
            .insert(rule.to_string());
    }
    (lint, validate)
}

/// A finding as the comparison sees it: (line, rule, message).
type Found = (usize, String, String);

/// The policy's findings on a file.
fn ours(path: &Path) -> Option<(Template, Vec<Found>)> {
    let template = Template::load(path, &Limits::default()).ok()?;
    let outcome = run_template::<SchemaPolicy>(template, None, json!({"region": "us-east-1"}));
    let mut found = Vec::new();
    for f in &outcome.report.findings {
        let (mut at, _) = outcome.template.locate_nearest(&f.pointer);
        if let Some(n) = f
            .highlight
            .as_deref()
            .and_then(|h| outcome.template.narrow(at, h))
        {
            at = n;
        }
        found.push((at.line, f.rule.clone(), f.message.clone()));
    }
    Some((outcome.template, found))
}

fn out_dir(name: &str) -> PathBuf {
    let dir = root().join("target/schema-fidelity").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn fidelity() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus is absent");
        return;
    };
    let files = sample(&corpus, 0);
    let dir = out_dir("fidelity");
    let (lint, validate) = peers(&files, &["cfn-lint", "cloudformation-validate"], &dir);
    let mut ours_total = 0;
    let mut confirmed = 0;
    let mut unconfirmed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut ours_at: BTreeSet<(String, usize)> = BTreeSet::new();
    for file in &files {
        let key = std::fs::canonicalize(file).unwrap().display().to_string();
        let Some((_, found)) = ours(file) else {
            continue;
        };
        for (line, rule, message) in found {
            ours_total += 1;
            ours_at.insert((key.clone(), line));
            let k = (key.clone(), line);
            if lint.contains_key(&k) || validate.contains_key(&k) {
                confirmed += 1;
            } else {
                unconfirmed
                    .entry(rule)
                    .or_default()
                    .push(format!("{}:{line}: {message}", file.display()));
            }
        }
    }
    let mut missed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut lint_total = 0;
    for ((file, line), rules) in &lint {
        lint_total += 1;
        if !ours_at.contains(&(file.clone(), *line)) {
            let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
            missed
                .entry(rules.join("+"))
                .or_default()
                .push(format!("{file}:{line}"));
        }
    }
    let precision = confirmed as f64 / ours_total.max(1) as f64;
    let agreement = (lint_total - missed.values().map(Vec::len).sum::<usize>()) as f64
        / lint_total.max(1) as f64;
    let summary = json!({
        "templates": files.len(),
        "schema_findings": ours_total,
        "confirmed_by_a_peer": confirmed,
        "precision": precision,
        "cfn_lint_schema_lines": lint_total,
        "agreement_with_cfn_lint": agreement,
        "unconfirmed_by_rule": unconfirmed,
        "missed_by_cfn_lint_rule": missed,
    });
    std::fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&summary).unwrap(),
    )
    .unwrap();
    eprintln!(
        "schema fidelity: {} templates; {confirmed}/{ours_total} findings confirmed by a peer \
         ({:.1}%); {:.1}% of {lint_total} cfn-lint schema lines reported; details in {}",
        files.len(),
        precision * 100.0,
        agreement * 100.0,
        dir.display()
    );
    // The 1-in-8 sample holds about 15 findings, so one miss moves it by 7 points; the
    // full run (docs/fidelity.md) is the figure to quote.
    let full = std::env::var_os("SCHEMA_FIDELITY_FULL").is_some();
    let floor = if full { 0.95 } else { 0.85 };
    assert!(
        precision >= floor,
        "precision {precision:.3}: see {}",
        dir.display()
    );
}

#[test]
fn mutations() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus is absent");
        return;
    };
    let files = sample(&corpus, 3);
    let dir = out_dir("mutations");
    let list = dir.join("sources.txt");
    let text: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    std::fs::write(&list, text.join("\n")).unwrap();
    let mutated = dir.join("mutated");
    let status = Command::new(python())
        .arg(root().join("policies/schema/tests/peers/mutate.py"))
        .arg(&list)
        .arg(&mutated)
        .status()
        .unwrap();
    assert!(status.success(), "mutate.py failed");
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(mutated.join("manifest.json")).unwrap())
            .unwrap();
    let paths: Vec<PathBuf> = manifest
        .iter()
        .map(|m| PathBuf::from(m["file"].as_str().unwrap()))
        .collect();
    let (lint, _) = peers(&paths, &["cfn-lint"], &dir);
    let (mut caught_by_lint, mut caught_by_both) = (0, 0);
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for (m, path) in manifest.iter().zip(&paths) {
        let (template, found) = ours(path).expect("a mutated template loads");
        let pointer = m["pointer"].as_str().unwrap();
        let kind = m["kind"].as_str().unwrap().to_string();
        // A missing property is reported at the mapping that lacks it, or at its resource.
        let mut lines = vec![template.locate_nearest(pointer).0.line];
        if kind == "missing-required" {
            let resource = pointer.trim_end_matches("/Properties");
            lines.push(template.locate_nearest(resource).0.line);
        }
        let key = std::fs::canonicalize(path).unwrap().display().to_string();
        if !lines.iter().any(|l| lint.contains_key(&(key.clone(), *l))) {
            continue;
        }
        caught_by_lint += 1;
        let entry = by_kind.entry(kind.clone()).or_default();
        entry.0 += 1;
        if found.iter().any(|(l, _, _)| lines.contains(l)) {
            caught_by_both += 1;
            entry.1 += 1;
        } else {
            missed.push(format!(
                "{kind} {} ({})",
                pointer,
                m["source"].as_str().unwrap()
            ));
        }
    }
    let recall = caught_by_both as f64 / caught_by_lint.max(1) as f64;
    let summary = json!({
        "mutated_templates": manifest.len(),
        "caught_by_cfn_lint": caught_by_lint,
        "also_caught_by_schema": caught_by_both,
        "recall": recall,
        "by_kind": by_kind,
        "missed": missed,
    });
    std::fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&summary).unwrap(),
    )
    .unwrap();
    eprintln!(
        "schema mutations: {} mutated templates; cfn-lint catches {caught_by_lint} at the mutated \
         line, the policy {caught_by_both} of those ({:.1}%); details in {}",
        manifest.len(),
        recall * 100.0,
        dir.display()
    );
    assert!(
        recall >= 0.98,
        "mutation recall {recall:.3}: see {}",
        dir.display()
    );
}
