//! Parity of the `guard` policy with native cfn-guard 3.2.1, through the binaries.
//!
//! - `preflight policy test -r R -t T` against `cfn-guard test -r R -t T` on every rule /
//!   test pair of the AWS Guard Rules Registry, as they are and with every expectation
//!   flipped (and `-d` on its whole rules directory), case by case and rule by rule, and
//!   the exit codes (cfn-guard 0 / 7 / 1 or 255 are preflight's 0 / 1 / 2).
//! - `preflight check T --rules DIR --policy guard` against `cfn-guard validate -r F -d T`
//!   for each registry rules file F, rule by rule, on templates that are not in the shared
//!   corpus (`tests/fixtures/guard/templates`). A difference is checked again with
//!   cfn-guard on the canonical JSON preflight's loader made of the template, to tell a
//!   difference in reading the YAML from one in evaluating it: the second fails the test,
//!   the first is counted and printed (the guard policy reads templates as cfn-guard
//!   does, so there should be none). With `GUARD_PARITY_CORPUS=1`, the same over
//!   serverless-patterns.
//! - cfn-guard's own 58 validate cases through `preflight check`.
//! - Robustness: a malformed template and a malformed rules file in one audit are both
//!   reported with their locations while the rest is evaluated; a rule that recurses
//!   without end (native cfn-guard overflows its stack and aborts) and one that explodes
//!   are stopped by the sandbox, and the other rules files still report.
//!
//! The corpus tests print SKIPPED when `../shared/corpus` is absent. Native cfn-guard is
//! expected at `target/tools/bin/cfn-guard` (`make tools`); a test that needs it fails
//! when it is missing.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// Native cfn-guard 3.2.1, installed by `make tools`.
fn cfn_guard() -> PathBuf {
    let path = common::workspace().join("target/tools/bin/cfn-guard");
    assert!(
        path.is_file(),
        "native cfn-guard is missing at {}: run `make tools` \
         (cargo install cfn-guard --version 3.2.1 --locked --root target/tools)",
        path.display()
    );
    let out = Command::new(&path).arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(
        version.contains("3.2.1"),
        "{} is not cfn-guard 3.2.1: {version}",
        path.display()
    );
    path
}

/// Runs `f` over `items` on a few threads, keeping the order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

// ---------------------------------------------------------------------------------------
// policy test vs cfn-guard test

/// One case as both tools see it: the rules whose expectation was met, not met (with
/// the statuses evaluated), and that had no expectation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct CaseView {
    passed: BTreeSet<String>,
    failed: BTreeMap<String, BTreeSet<String>>,
    unexpected: BTreeSet<String>,
}

/// What one run said about one rules file: its cases, or that it could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SuiteView {
    Cases(Vec<CaseView>),
    Error,
}

/// The exit code class: 0 pass, 1 expectation not met, 2 error.
fn native_class(code: i32) -> u8 {
    match code {
        0 => 0,
        7 => 1,
        _ => 2,
    }
}

/// `cfn-guard test ... -o json` output, one element per rules file.
fn native_suites(out: &str) -> Vec<(String, SuiteView)> {
    let value: Value = match serde_json::from_str(out.trim()) {
        Ok(v) => v,
        Err(_) => return Vec::new(),
    };
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    items
        .iter()
        .map(|item| {
            let file = item["rule_file"].as_str().unwrap_or("").to_string();
            if item.get("error").is_some() {
                return (file, SuiteView::Error);
            }
            let names = |list: &Value| -> Vec<String> {
                list.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["name"].as_str().map(str::to_string))
                    .collect()
            };
            let cases = item["test_cases"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| CaseView {
                    passed: names(&c["passed_rules"]).into_iter().collect(),
                    failed: c["failed_rules"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|r| {
                            let statuses = r["evaluated"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|s| s.as_str().map(str::to_string))
                                .collect();
                            (r["name"].as_str().unwrap_or("").to_string(), statuses)
                        })
                        .collect(),
                    unexpected: names(&c["skipped_rules"]).into_iter().collect(),
                })
                .collect();
            (file, SuiteView::Cases(cases))
        })
        .collect()
}

/// `preflight policy test ... --format json` output, one element per rules file (files
/// with no tests left out, as cfn-guard's structured output leaves them out).
fn our_suites(out: &str) -> Vec<(String, SuiteView)> {
    let value: Value = serde_json::from_str(out).expect("policy test prints JSON");
    value["suites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !(s["outcome"] == "skipped" && s["tests"].as_array().unwrap().is_empty()))
        .map(|s| {
            let file = s["rules"].as_str().unwrap().to_string();
            let errored = (s["outcome"] == "error" && s["message"].is_string())
                || !s["file_errors"].as_array().unwrap().is_empty()
                || s["cases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["outcome"] == "error");
            if errored {
                return (file, SuiteView::Error);
            }
            let cases = s["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let mut view = CaseView::default();
                    for r in c["rules"].as_array().unwrap() {
                        let name = r["rule"].as_str().unwrap().to_string();
                        match r["outcome"].as_str().unwrap() {
                            "pass" => {
                                view.passed.insert(name);
                            }
                            "fail" => {
                                let statuses = r["actual"]
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .map(|s| s.as_str().unwrap().to_string())
                                    .collect();
                                view.failed.insert(name, statuses);
                            }
                            _ => {
                                view.unexpected.insert(name);
                            }
                        }
                    }
                    view
                })
                .collect();
            (file, SuiteView::Cases(cases))
        })
        .collect()
}

/// Both runs of one command line: (native exit class, native suites), (ours).
type Both = (
    (u8, Vec<(String, SuiteView)>),
    (u8, Vec<(String, SuiteView)>),
);

fn run_both(cwd: &Path, native_args: &[&str], our_args: &[&str]) -> Both {
    let native = Command::new(cfn_guard())
        .current_dir(cwd)
        .arg("test")
        .args(native_args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let ours = common::preflight()
        .current_dir(cwd)
        .args(["policy", "test"])
        .args(our_args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let native_code = native.status.code().unwrap_or(-1);
    let our_code = ours.status.code().unwrap_or(-1) as u8;
    (
        (
            native_class(native_code),
            native_suites(&String::from_utf8_lossy(&native.stdout)),
        ),
        (our_code, our_suites(&String::from_utf8_lossy(&ours.stdout))),
    )
}

#[test]
fn policy_test_agrees_with_cfn_guard_test_on_every_registry_pair() {
    let Some(registry) = common::corpus("aws-guard-rules-registry") else {
        return;
    };
    cfn_guard();
    let pairs: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(registry.join("rule_test_pairs.json")).unwrap(),
    )
    .unwrap();
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|p| {
            Some((
                p["rule_file"].as_str()?.into(),
                p["test_file"].as_str()?.into(),
            ))
        })
        .collect();
    // Each pair as it is (every case meets its expectations natively), and with every
    // expectation flipped (PASS to FAIL, FAIL to SKIP, SKIP to PASS), so that every case
    // fails and the statuses evaluated are compared too.
    let scratch = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (i, (rules, tests)) in pairs.iter().enumerate() {
        runs.push((rules.clone(), tests.clone()));
        let flipped = scratch.path().join(format!("{i}_flipped.yaml"));
        std::fs::write(&flipped, flip(&registry.join(tests))).unwrap();
        runs.push((rules.clone(), flipped.display().to_string()));
    }
    let results = parallel(&runs, |(rules, tests)| {
        let both = run_both(
            &registry,
            &["-r", rules, "-t", tests],
            &["-r", rules, "-t", tests],
        );
        ((rules.clone(), tests.clone()), both)
    });

    let (mut same_pairs, mut cases, mut same_cases) = (0, 0, 0);
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut mismatches = Vec::new();
    for ((rules, tests), ((native_code, native), (our_code, ours))) in &results {
        let native_cases = match native.first() {
            Some((_, SuiteView::Cases(c))) => c.clone(),
            _ => Vec::new(),
        };
        let our_cases = match ours.first() {
            Some((_, SuiteView::Cases(c))) => c.clone(),
            _ => Vec::new(),
        };
        cases += native_cases.len();
        for (i, n) in native_cases.iter().enumerate() {
            *outcomes
                .entry(if n.failed.is_empty() { "pass" } else { "fail" })
                .or_default() += 1;
            if our_cases.get(i) == Some(n) {
                same_cases += 1;
            } else {
                mismatches.push(format!(
                    "{rules} × {tests}, case #{}: cfn-guard {n:?}, preflight {:?}",
                    i + 1,
                    our_cases.get(i)
                ));
            }
        }
        let same_views = native
            .iter()
            .map(|(_, v)| v)
            .eq(ours.iter().map(|(_, v)| v));
        if native_code == our_code && same_views {
            same_pairs += 1;
        } else if native_cases.len() == our_cases.len() {
            mismatches.push(format!(
                "{rules} × {tests}: exit class cfn-guard {native_code}, preflight {our_code}; \
                 cfn-guard {native:?}, preflight {ours:?}"
            ));
        } else {
            mismatches.push(format!(
                "{rules} × {tests}: cfn-guard {} cases, preflight {}",
                native_cases.len(),
                our_cases.len()
            ));
        }
    }
    println!(
        "policy test parity: {same_pairs}/{} runs identical (exit code and every case; {} \
         registry rule/test pairs, as they are and with every expectation flipped), \
         {same_cases}/{cases} cases identical rule by rule (cfn-guard's verdicts: \
         {outcomes:?})",
        results.len(),
        pairs.len()
    );
    for m in &mismatches {
        println!("  mismatch: {m}");
    }
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
    assert_eq!(same_pairs, results.len());
}

/// A test file with every expectation flipped: PASS to FAIL, FAIL to SKIP, SKIP to PASS.
fn flip(path: &Path) -> String {
    let mut cases: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for case in cases.as_sequence_mut().into_iter().flatten() {
        let rules = case
            .get_mut("expectations")
            .and_then(|e| e.get_mut("rules"))
            .and_then(serde_yaml::Value::as_mapping_mut);
        for (_, status) in rules.into_iter().flatten() {
            let next = match status.as_str() {
                Some("PASS") => "FAIL",
                Some("FAIL") => "SKIP",
                _ => "PASS",
            };
            *status = serde_yaml::Value::String(next.to_string());
        }
    }
    serde_yaml::to_string(&cases).unwrap()
}

#[test]
fn policy_test_directory_mode_agrees_with_cfn_guard_test_d() {
    let Some(registry) = common::corpus("aws-guard-rules-registry") else {
        return;
    };
    cfn_guard();
    let ((native_code, native), (our_code, ours)) =
        run_both(&registry, &["-d", "rules"], &["-d", "rules"]);
    let native: BTreeMap<String, SuiteView> = native.into_iter().collect();
    let ours: BTreeMap<String, SuiteView> = ours.into_iter().collect();
    let cases: usize = native
        .values()
        .map(|v| match v {
            SuiteView::Cases(c) => c.len(),
            SuiteView::Error => 0,
        })
        .sum();
    let differing: Vec<&String> = native
        .keys()
        .chain(ours.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| native.get(*k) != ours.get(*k))
        .collect();
    println!(
        "policy test -d parity: {} rules files with tests ({cases} cases), {} differ; \
         exit class cfn-guard {native_code}, preflight {our_code}",
        native.len(),
        differing.len()
    );
    for k in &differing {
        println!(
            "  mismatch: {k}: cfn-guard {:?}, preflight {:?}",
            native.get(*k),
            ours.get(*k)
        );
    }
    assert!(differing.is_empty());
    assert_eq!(native_code, our_code);
}

#[test]
fn policy_test_reports_cases_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("r.guard"),
        "rule A { Resources.*.Type == 'X' }\nrule B when Resources exists { Resources.*.Properties.P == 1 }\n",
    )
    .unwrap();
    std::fs::write(
        d.join("ok.yaml"),
        "- name: typed\n  input: {Resources: {a: {Type: X, Properties: {P: 1}}}}\n  expectations:\n    rules: {A: PASS, B: PASS, NOPE: FAIL}\n\
         - name: empty\n  input: {}\n  expectations:\n    rules: {A: FAIL, B: SKIP}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("wrong.yaml"),
        "- name: wrong\n  input: {}\n  expectations:\n    rules: {A: PASS}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("bad.yaml"),
        "- name: no input\n  expectations:\n    rules: {A: PASS}\n",
    )
    .unwrap();

    let ok = common::preflight()
        .current_dir(d)
        .args(["policy", "test", "-r", "r.guard", "-t", "ok.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(text.contains("PASS #1 typed"), "{text}");
    assert!(text.contains("A  expected PASS, got PASS"), "{text}");
    assert!(
        text.contains("NOPE: no rule of that name was evaluated"),
        "{text}"
    );
    assert!(
        text.contains("2 cases: 2 passed, 0 failed, 0 errors"),
        "{text}"
    );

    let wrong = common::preflight()
        .current_dir(d)
        .args(["policy", "test", "-r", "r.guard", "-t", "wrong.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&wrong.stdout);
    assert_eq!(wrong.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL #1 wrong"), "{text}");
    assert!(text.contains("A  expected PASS, got FAIL"), "{text}");

    let bad = common::preflight()
        .current_dir(d)
        .args([
            "policy", "test", "-r", "r.guard", "-t", "bad.yaml", "--format", "json",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&bad.stdout).unwrap();
    let error = report["suites"][0]["file_errors"][0]["error"]
        .as_str()
        .unwrap();
    assert!(error.contains("missing field `input`"), "{error}");

    let usage = common::preflight()
        .current_dir(d)
        .args(["policy", "test", "-r", "missing.guard", "-t", "ok.yaml"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("missing.guard: no such rules file"));
}

// ---------------------------------------------------------------------------------------
// check vs cfn-guard validate

/// Statuses by rule name of one rules file on one data file, or what stopped it.
type Statuses = Result<BTreeMap<String, String>, String>;

/// `cfn-guard validate -r RULES -d DATA --structured -o json`: statuses by local rule name.
fn native_validate(rules: &Path, data: &Path) -> Statuses {
    let out = Command::new(cfn_guard())
        .args([
            "validate",
            "--structured",
            "-o",
            "json",
            "--show-summary",
            "none",
            "-r",
        ])
        .arg(rules)
        .arg("-d")
        .arg(data)
        .output()
        .unwrap();
    match out.status.code() {
        Some(0 | 19) => {}
        Some(5) => return Err("parse-error".into()),
        other => return Err(format!("error (exit {other:?})")),
    }
    let reports: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let mut statuses = BTreeMap::new();
    let local = |n: &str| -> String {
        // The rule of a file's top-level clauses is `<rules path>/default`.
        if n.ends_with("/default") {
            "default".into()
        } else {
            n.to_string()
        }
    };
    for r in reports.as_array().into_iter().flatten() {
        for n in r["not_applicable"].as_array().into_iter().flatten() {
            statuses.insert(local(n.as_str().unwrap()), "skip".to_string());
        }
        for n in r["compliant"].as_array().into_iter().flatten() {
            statuses.insert(local(n.as_str().unwrap()), "pass".to_string());
        }
        for c in r["not_compliant"].as_array().into_iter().flatten() {
            if let Some(name) = c["Rule"]["name"].as_str() {
                statuses.insert(local(name), "fail".to_string());
            }
        }
    }
    Ok(statuses)
}

/// `preflight check TEMPLATE --rules DIR --policy guard`: per rules file (path under DIR
/// without extension), statuses by rule name.
fn our_check(template: &Path, rules: &Path) -> BTreeMap<String, Statuses> {
    let out = common::preflight()
        .args([
            "check", "--sam", "off", "--policy", "guard", "--format", "json", "--rules",
        ])
        .arg(rules)
        .arg(template)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check {} prints JSON: {e}\n{}",
            template.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut by_file: BTreeMap<String, Statuses> = BTreeMap::new();
    for r in report["templates"][0]["rules"].as_array().unwrap() {
        if r["policy"] != "guard" {
            continue;
        }
        let id = r["rule"].as_str().unwrap();
        let Some((file, rule)) = id.rsplit_once('/') else {
            continue;
        };
        let entry = by_file
            .entry(file.to_string())
            .or_insert_with(|| Ok(BTreeMap::new()));
        match rule {
            "parse-error" => *entry = Err("parse-error".into()),
            "eval-error" => *entry = Err("error".into()),
            _ => {
                if let Ok(map) = entry {
                    map.insert(rule.to_string(), r["status"].as_str().unwrap().to_string());
                }
            }
        }
    }
    by_file
}

/// The templates of our own, none of them in the shared corpus.
fn own_templates() -> Vec<PathBuf> {
    let dir = common::fixture("guard/templates");
    let mut all: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    all
}

/// Every `.guard` file under `dir`, sorted.
fn guard_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "guard" || e == "ruleset")
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn check_agrees_with_cfn_guard_validate_on_own_templates() {
    let Some(registry) = common::corpus("aws-guard-rules-registry") else {
        return;
    };
    cfn_guard();
    let rules_dir = registry.join("rules");
    let rule_files = guard_files(&rules_dir);
    let templates = own_templates();
    let scratch = tempfile::tempdir().unwrap();
    let (mut pairs, mut same_pairs, mut statuses, mut same_statuses) = (0, 0, 0, 0);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut loader = Vec::new();
    let mut mismatches = Vec::new();
    for template in &templates {
        let ours = our_check(template, &rules_dir);
        // The canonical JSON preflight's loader makes of the template.
        let loaded = preflight_template::Template::load(template, &Default::default())
            .expect("own templates load");
        let canonical = scratch.path().join(format!(
            "{}.json",
            template.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&canonical, loaded.to_json()).unwrap();
        let native = parallel(&rule_files, |f| native_validate(f, template));
        for (rule_file, native) in rule_files.iter().zip(native) {
            let key = rule_file
                .strip_prefix(&rules_dir)
                .unwrap()
                .with_extension("")
                .display()
                .to_string();
            let mine = ours
                .get(&key)
                .cloned()
                .unwrap_or_else(|| Ok(BTreeMap::new()));
            pairs += 1;
            if let Ok(n) = &native {
                statuses += n.len();
                for (rule, status) in n {
                    *counts.entry(status.clone()).or_default() += 1;
                    if mine.as_ref().ok().and_then(|m| m.get(rule)) == Some(status) {
                        same_statuses += 1;
                    }
                }
            } else if let Err(e) = &native {
                *counts.entry(e.clone()).or_default() += 1;
            }
            if mine == native {
                same_pairs += 1;
            } else if mine == native_validate(rule_file, &canonical) {
                loader.push(format!(
                    "{} × {key}: cfn-guard on the YAML {native:?}, preflight {mine:?}",
                    template.file_name().unwrap().to_string_lossy()
                ));
            } else {
                mismatches.push(format!(
                    "{} × {key}: cfn-guard {native:?}, preflight {mine:?}",
                    template.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    println!(
        "check parity: {} own templates × {} registry rules files: {same_pairs}/{pairs} pairs \
         identical, {same_statuses}/{statuses} rule statuses identical (cfn-guard: {counts:?}); \
         {} pairs differ only by YAML loading, {} otherwise",
        templates.len(),
        rule_files.len(),
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
    // Every rules file took part: the templates exercise the registry, not only skip it.
    assert!(counts.get("fail").copied().unwrap_or(0) >= 40, "{counts:?}");
    assert!(counts.get("pass").copied().unwrap_or(0) >= 40, "{counts:?}");
}

// ---------------------------------------------------------------------------------------
// robustness

#[test]
fn a_malformed_template_and_rules_file_are_reported_and_the_rest_is_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::create_dir_all(d.join("rules")).unwrap();
    std::fs::write(
        d.join("templates/good.yaml"),
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: Enabled\n",
    )
    .unwrap();
    std::fs::write(
        d.join("templates/broken.yaml"),
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: [unclosed\n",
    )
    .unwrap();
    std::fs::write(
        d.join("rules/versioning.guard"),
        "rule VERSIONING when Resources.*[ Type == 'AWS::S3::Bucket' ] !empty {\n  Resources.*[ Type == 'AWS::S3::Bucket' ].Properties.VersioningConfiguration.Status == 'Enabled'\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("rules/broken.guard"),
        "rule BROKEN {\n  Resources.*.Properties.X ==\n}\n",
    )
    .unwrap();

    let out = common::preflight()
        .current_dir(d)
        .args([
            "audit",
            "templates",
            "--rules",
            "rules",
            "--policy",
            "guard",
        ])
        .args(["--sam", "off", "--format", "json"])
        .output()
        .unwrap();
    // A template that cannot be loaded is an input error (exit 2), after every other
    // template has been checked.
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let templates = report["templates"].as_array().unwrap();
    let broken = templates
        .iter()
        .find(|t| t["path"].as_str().unwrap().ends_with("broken.yaml"))
        .unwrap();
    assert_eq!(broken["error"]["line"], 5, "{broken}");
    let good = templates
        .iter()
        .find(|t| t["path"].as_str().unwrap().ends_with("good.yaml"))
        .unwrap();
    let rules: BTreeMap<&str, &str> = good["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rule"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules.get("versioning/VERSIONING"),
        Some(&"pass"),
        "{rules:?}"
    );
    assert_eq!(rules.get("broken/parse-error"), Some(&"fail"), "{rules:?}");
    let finding = good["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "broken/parse-error")
        .unwrap();
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("at line 2, column 30"), "{message}");

    // Native cfn-guard stops at the malformed template: nothing is reported for the rest.
    let native = Command::new(cfn_guard())
        .current_dir(d)
        .args([
            "validate",
            "-r",
            "rules/versioning.guard",
            "-d",
            "templates",
        ])
        .output()
        .unwrap();
    assert_ne!(native.status.code(), Some(0));
}

#[test]
fn a_rule_that_recurses_or_explodes_is_stopped_by_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("t.yaml"),
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
    )
    .unwrap();
    // Two rules that refer to each other: native cfn-guard overflows its stack and aborts.
    std::fs::write(d.join("loop.guard"), "rule a {\n  b\n}\nrule b {\n  a\n}\n").unwrap();
    let native = Command::new(cfn_guard())
        .current_dir(d)
        .args(["validate", "-r", "loop.guard", "-d", "t.yaml"])
        .output()
        .unwrap();
    assert!(
        native.status.code().is_none() || native.status.code() == Some(134),
        "cfn-guard {:?}",
        native.status
    );
    let out = common::preflight()
        .current_dir(d)
        .args([
            "check",
            "t.yaml",
            "--rules",
            "loop.guard",
            "--policy",
            "guard",
        ])
        .args(["--sam", "off", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = &report["templates"][0]["findings"][0];
    assert_eq!(finding["rule"], "policy-error", "{finding}");
    assert!(
        finding["message"].as_str().unwrap().contains("stack"),
        "{finding}"
    );

    // With other rules files, only the one the sandbox stops is lost, on every template.
    std::fs::create_dir_all(d.join("rules")).unwrap();
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::copy(d.join("loop.guard"), d.join("rules/loop.guard")).unwrap();
    std::fs::write(
        d.join("rules/ok.guard"),
        "rule HAS_BUCKET {\n  Resources.*[ Type == 'AWS::S3::Bucket' ] !empty\n}\n",
    )
    .unwrap();
    for i in 0..3 {
        std::fs::copy(d.join("t.yaml"), d.join(format!("templates/t{i}.yaml"))).unwrap();
    }
    let out = common::preflight()
        .current_dir(d)
        .args([
            "audit",
            "templates",
            "--rules",
            "rules",
            "--policy",
            "guard",
        ])
        .args(["--sam", "off", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for t in report["templates"].as_array().unwrap() {
        let rules: Vec<(&str, &str)> = t["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["rule"].as_str().unwrap(), r["status"].as_str().unwrap()))
            .collect();
        assert_eq!(
            rules,
            [("loop/policy-error", "fail"), ("ok/HAS_BUCKET", "pass")],
            "{}",
            t["path"]
        );
    }

    // A comparison of every value with every other, over a big list: the evaluation
    // records each comparison and runs into the time or memory limit.
    let items: Vec<String> = (0..4000).map(|i| format!("v{i}")).collect();
    let template =
        json!({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": items}}}});
    std::fs::write(d.join("big.json"), template.to_string()).unwrap();
    std::fs::write(
        d.join("explode.guard"),
        "let all = Resources.*.Properties.Tags[*]\nrule EXPLODE {\n  %all not in %all\n}\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = common::preflight()
        .current_dir(d)
        .args([
            "check",
            "big.json",
            "--rules",
            "explode.guard",
            "--policy",
            "guard",
        ])
        .args(["--sam", "off", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = &report["templates"][0]["findings"][0];
    assert_eq!(finding["rule"], "policy-error", "{finding}");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("ran out of time") || message.contains("memory limit"),
        "{message}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

// ---------------------------------------------------------------------------------------
// cfn-guard's own validate cases, through the binary

/// Files under `path` (itself when a file) with one of `extensions`, sorted.
fn expand(path: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    if !path.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<PathBuf> = walk(path)
        .into_iter()
        .filter(|p| extensions.iter().any(|e| p.to_string_lossy().ends_with(e)))
        .collect();
    out.sort();
    out
}

#[test]
fn validate_cases_give_their_expected_status_through_check() {
    let Some(root) = common::corpus("cloudformation-guard") else {
        return;
    };
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("validate_cases.json")).unwrap())
            .unwrap();
    let base = root.join(doc["base_dir"].as_str().unwrap());
    let data_extensions = [".yaml", ".yml", ".json", ".jsn", ".template"];
    let cases = doc["cases"].as_array().unwrap();
    let results = parallel(cases, |case| {
        let paths = |key: &str| -> Vec<PathBuf> {
            match &case[key] {
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|p| base.join(p))
                    .collect(),
                Value::String(p) => vec![base.join(p)],
                _ => Vec::new(),
            }
        };
        let data_key = if case.get("data_stdin").is_some() {
            "data_stdin"
        } else {
            "data"
        };
        let data: Vec<PathBuf> = paths(data_key)
            .iter()
            .flat_map(|p| expand(p, &data_extensions))
            .collect();
        let mut cmd = common::preflight();
        cmd.args([
            "check", "--sam", "off", "--policy", "guard", "--format", "json",
        ]);
        for r in paths("rules") {
            cmd.arg("--rules").arg(r);
        }
        for p in paths("input_parameters") {
            cmd.arg("--input-parameters").arg(p);
        }
        if data.is_empty() {
            // cfn-guard fails on a data path with no data files in it.
            return "INTERNAL_FAILURE".to_string();
        }
        let out = cmd.args(&data).output().unwrap();
        let status = match serde_json::from_slice::<Value>(&out.stdout) {
            // Bad configuration (an unreadable rules or parameters file): exit 2, no report.
            Err(_) => "INTERNAL_FAILURE",
            Ok(report) => {
                let templates = report["templates"].as_array().unwrap();
                let rules: Vec<&Value> = templates
                    .iter()
                    .flat_map(|t| t["rules"].as_array().unwrap())
                    .filter(|r| r["policy"] == "guard")
                    .collect();
                let broken = |r: &&Value| {
                    let id = r["rule"].as_str().unwrap();
                    id.ends_with("/parse-error") || id.ends_with("/eval-error")
                };
                if templates.iter().any(|t| !t["error"].is_null())
                    || rules.iter().any(broken)
                    || rules.iter().any(|r| r["rule"] == "policy-error")
                {
                    "INTERNAL_FAILURE"
                } else if rules.iter().any(|r| r["status"] == "fail") {
                    "VALIDATION_ERROR"
                } else {
                    "SUCCESS"
                }
            }
        };
        status.to_string()
    });
    let mut failures = Vec::new();
    for (i, (case, got)) in cases.iter().zip(&results).enumerate() {
        let expected = case["expected_status"].as_str().unwrap();
        if got != expected {
            failures.push(format!(
                "case {i} ({}): expected {expected}, got {got}",
                case["test_fn"].as_str().unwrap_or("?")
            ));
        }
    }
    println!(
        "validate cases through `preflight check`: {}/{} give cfn-guard's expected status",
        results.len() - failures.len(),
        results.len()
    );
    for f in &failures {
        println!("  mismatch: {f}");
    }
    assert!(failures.is_empty(), "{} mismatches", failures.len());
}

/// `GUARD_PARITY_CORPUS=1`: `preflight check` against `cfn-guard validate -r RULES -d T`
/// with every registry rules file at once, on every serverless-patterns template that
/// preflight's loader reads (two to three minutes on two cores; off by default).
#[test]
fn check_agrees_with_cfn_guard_validate_on_serverless_patterns() {
    if std::env::var_os("GUARD_PARITY_CORPUS").is_none() {
        println!("SKIPPED: set GUARD_PARITY_CORPUS=1 to compare over serverless-patterns");
        return;
    }
    let (Some(registry), Some(patterns)) = (
        common::corpus("aws-guard-rules-registry"),
        common::corpus("serverless-patterns"),
    ) else {
        return;
    };
    let guard = cfn_guard();
    let rules = registry.join("rules");
    let index = std::fs::read_to_string(patterns.join("_templates.tsv")).unwrap();
    let templates: Vec<PathBuf> = index
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.len() >= 7 && cols[3] == "1" && cols[6].is_empty())
                .then(|| patterns.join(cols[0]))
        })
        .collect();
    let results = parallel(&templates, |t| {
        let ours = our_check(t, &rules);
        if ours.is_empty() {
            return None; // preflight's loader refuses it (a duplicate key, ...)
        }
        let out = Command::new(&guard)
            .args([
                "validate",
                "--structured",
                "-o",
                "json",
                "--show-summary",
                "none",
                "-r",
            ])
            .arg(&rules)
            .arg("-d")
            .arg(t)
            .output()
            .unwrap();
        let reports: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let mut native = BTreeMap::new();
        for r in reports.as_array().into_iter().flatten() {
            let last = |n: &Value| n.as_str().unwrap().rsplit('/').next().unwrap().to_string();
            for n in r["not_applicable"].as_array().into_iter().flatten() {
                native.insert(last(n), "skip".to_string());
            }
            for n in r["compliant"].as_array().into_iter().flatten() {
                native.insert(last(n), "pass".to_string());
            }
            for c in r["not_compliant"].as_array().into_iter().flatten() {
                if c["Rule"]["name"].is_string() {
                    native.insert(last(&c["Rule"]["name"]), "fail".to_string());
                }
            }
        }
        let mine: BTreeMap<String, String> = ours
            .into_values()
            .flat_map(|statuses| statuses.unwrap_or_default())
            .collect();
        Some((native == mine, mine.len()))
    });
    let compared: Vec<(bool, usize)> = results.iter().flatten().copied().collect();
    let same = compared.iter().filter(|(s, _)| *s).count();
    let statuses: usize = compared.iter().map(|(_, n)| n).sum();
    println!(
        "serverless-patterns parity: {same}/{} templates identical rule by rule ({statuses} \
         statuses; {} templates preflight's loader refuses, not compared)",
        compared.len(),
        templates.len() - compared.len()
    );
    assert_eq!(same, compared.len());
}
