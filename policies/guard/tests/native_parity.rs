//! Parity with the cfn-guard 3.2.1 library run natively: for each rule file of the AWS
//! Guard Rules Registry and each template of a sample of serverless-patterns, the
//! per-rule statuses of the `guard` policy (template loaded by preflight's loader,
//! passed as canonical JSON) against those of cfn-guard's own `validate` command run on
//! the same files (`cfn-guard validate -d TEMPLATE -r RULES --structured -o json`, with
//! cfn-guard's own YAML loader).
//!
//! A pair that differs is run again through cfn-guard's `validate` with the canonical
//! JSON the policy saw (`--payload`): when that agrees with the policy, the difference
//! comes from reading the YAML (cfn-guard's loader reads `True` as a string and
//! `!GetAtt A.B` as the string `A.B`; preflight's loader, like CloudFormation, reads a
//! boolean and `["A", "B"]`), and it is counted, not failed. Any other difference fails.
//!
//! Each template is also evaluated with every rule file at once (the policy then makes
//! one `validate` run for all of them), which must give the same statuses as one file at
//! a time.
//!
//! `GUARD_PARITY_TEMPLATES=<n>|all` sets the sample size (40 by default; `all` is 560
//! templates, about three minutes).

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use cfn_guard::commands::Executable;
use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType};
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::{CommandBuilder, ValidateBuilder};
use preflight_policy::Status;
use preflight_policy_guard::report::{self, ClauseReport};
use serde_json::json;

/// Per-rule statuses of one rules file on one template, or what stopped it.
type Outcome = Result<BTreeMap<String, &'static str>, &'static str>;

#[test]
fn native_parity() {
    let Some(corpus) = common::corpus() else {
        println!("native_parity: skipped, shared/corpus is absent");
        return;
    };
    let rules_dir = corpus.join("aws-guard-rules-registry/rules");
    let patterns = corpus.join("serverless-patterns");
    let (Some(rule_paths), Some(templates)) = (
        common::expand(&rules_dir, &[".guard"]),
        sample_templates(&patterns),
    ) else {
        println!("native_parity: skipped, the registry or serverless-patterns is absent");
        return;
    };

    let mut pairs = 0;
    let mut same = 0;
    let mut rule_statuses = 0;
    let mut same_statuses = 0;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut loader = Vec::new();
    let mut unloadable = Vec::new();
    for template_path in &templates {
        let Some(template) = common::load(template_path) else {
            unloadable.push(rel(template_path, &patterns));
            continue;
        };
        // All the files in one evaluation (one `validate` run) agree with one at a time.
        let mut one_by_one = BTreeMap::new();
        for rule_path in &rule_paths {
            let ours = ours(&template, rule_path);
            if let Ok(statuses) = &ours {
                let file = rel(rule_path, &rules_dir);
                for (rule, status) in statuses {
                    one_by_one.insert(format!("{file}/{rule}"), *status);
                }
            }
            let native = native(template_path, rule_path);
            pairs += 1;
            if let Ok(statuses) = &native {
                for s in statuses.values() {
                    *counts.entry(s).or_default() += 1;
                }
                rule_statuses += statuses.len();
                if let Ok(o) = &ours {
                    same_statuses += statuses
                        .iter()
                        .filter(|(k, v)| o.get(*k) == Some(v))
                        .count();
                }
            } else if let Err(e) = &native {
                *counts.entry(e).or_default() += 1;
            }
            if ours == native {
                same += 1;
            } else if ours == native_json(&template, rule_path) {
                loader.push(format!(
                    "{} × {}",
                    rel(template_path, &patterns),
                    rel(rule_path, &rules_dir)
                ));
            } else {
                mismatches.push(format!(
                    "{} × {}: ours {ours:?}, cfn-guard {native:?}",
                    rel(template_path, &patterns),
                    rel(rule_path, &rules_dir)
                ));
            }
        }
        let together = ours_together(&template, &rule_paths, &rules_dir);
        if together != one_by_one {
            let differing: Vec<&String> = together
                .keys()
                .chain(one_by_one.keys())
                .filter(|id| together.get(*id) != one_by_one.get(*id))
                .collect();
            mismatches.push(format!(
                "{}: all files together differ from one by one on {differing:?}",
                rel(template_path, &patterns),
            ));
        }
    }
    println!(
        "native_parity: {} templates ({} not loaded by preflight's loader: {unloadable:?}) \
         × {} rule files: {same}/{pairs} pairs identical, \
         {same_statuses}/{rule_statuses} rule statuses identical (cfn-guard: {counts:?}); \
         {} pairs differ only by YAML loading, {} otherwise",
        templates.len(),
        unloadable.len(),
        rule_paths.len(),
        loader.len(),
        mismatches.len()
    );
    for m in &loader {
        println!("  yaml loading: {m}");
    }
    for m in &mismatches {
        println!("  mismatch: {m}");
    }
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
}

/// Every n-th CloudFormation template that loads, from `_templates.tsv`.
fn sample_templates(dir: &Path) -> Option<Vec<PathBuf>> {
    let tsv = std::fs::read_to_string(dir.join("_templates.tsv")).ok()?;
    let mut all: Vec<PathBuf> = tsv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.len() >= 7 && cols[3] == "1" && cols[6].is_empty()).then(|| dir.join(cols[0]))
        })
        .collect();
    all.sort();
    let want = match std::env::var("GUARD_PARITY_TEMPLATES").as_deref() {
        Ok("all") => all.len(),
        Ok(n) => n.parse().unwrap_or(40),
        Err(_) => 40,
    };
    let step = (all.len() / want.max(1)).max(1);
    Some(all.into_iter().step_by(step).take(want).collect())
}

fn rel(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The `guard` policy's statuses with every rule file in one evaluation, by full id
/// (`<path under rules/>/<RULE>`).
fn ours_together(
    template: &serde_json::Value,
    rule_paths: &[PathBuf],
    rules_dir: &Path,
) -> BTreeMap<String, &'static str> {
    let rules: Vec<serde_json::Value> = rule_paths
        .iter()
        .map(|p| json!({"name": rel(p, rules_dir), "text": std::fs::read_to_string(p).unwrap()}))
        .collect();
    let report = common::run(template, &json!({ "rules": rules })).expect("evaluates");
    report
        .rules
        .iter()
        .map(|r| (r.rule.clone(), status_name(r.status)))
        .collect()
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Skip => "skip",
    }
}

/// The `guard` policy's statuses, ids without the file prefix.
fn ours(template: &serde_json::Value, rule_path: &Path) -> Outcome {
    let name = rule_path.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(rule_path).unwrap();
    let settings = json!({"rules": [{"name": name, "text": text}]});
    let report = common::run(template, &settings).map_err(|_| "error")?;
    let mut out = BTreeMap::new();
    for r in &report.rules {
        let rule = r.rule.strip_prefix(&format!("{name}/")).unwrap_or(&r.rule);
        match rule {
            "parse-error" => return Err("parse-error"),
            "eval-error" => return Err("error"),
            _ => {}
        }
        out.insert(rule.to_string(), status_name(r.status));
    }
    Ok(out)
}

/// cfn-guard's `validate` on the files themselves.
fn native(template_path: &Path, rule_path: &Path) -> Outcome {
    let command = ValidateBuilder::default()
        .data(vec![template_path.display().to_string()])
        .rules(vec![rule_path.display().to_string()]);
    validate(command, Vec::new(), rule_path)
}

/// cfn-guard's `validate` on the canonical JSON the policy saw, given on standard input.
fn native_json(template: &serde_json::Value, rule_path: &Path) -> Outcome {
    let text = std::fs::read_to_string(rule_path).unwrap();
    let payload = json!({"rules": [text], "data": [template.to_string()]});
    let command = ValidateBuilder::default().payload(true);
    validate(command, payload.to_string().into_bytes(), rule_path)
}

/// Runs a `validate` command with structured JSON output and reads the statuses.
fn validate(command: ValidateBuilder, stdin: Vec<u8>, rule_path: &Path) -> Outcome {
    let command = command
        .structured(true)
        .output_format(OutputFormatType::JSON)
        .show_summary(vec![ShowSummaryType::None])
        .try_build()
        .expect("a valid validate command");
    let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(stdin)));
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(vec![]), WriteBuffer::Vec(vec![])).unwrap();
    let code = command
        .execute(&mut writer, &mut reader)
        .map_err(|_| "error")?;
    if code == 5 {
        return Err("parse-error");
    }
    let out = writer.into_string().map_err(|_| "error")?;
    let reports = report::parse_all(&out).map_err(|_| "error")?;
    let mut statuses = BTreeMap::new();
    let file = rule_path.file_name().unwrap().to_string_lossy().to_string();
    let local = |n: &str| preflight_policy_guard::engine::local_name(n, &file);
    for r in &reports {
        for n in &r.not_applicable {
            statuses.insert(local(n), "skip");
        }
        for n in &r.compliant {
            statuses.insert(local(n), "pass");
        }
        for c in &r.not_compliant {
            if let ClauseReport::Rule(rule) = c {
                statuses.insert(local(&rule.name), "fail");
            }
        }
    }
    Ok(statuses)
}
