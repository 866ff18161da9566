//! Agreement with `cdk diff`'s security diff on its own test cases
//! (`../shared/corpus/cdk-iam-diff/*/{old.json,new.json,expected.json}`, taken from
//! aws/aws-cdk-cli's `@aws-cdk/cloudformation-diff` tests).
//!
//! For every pair, CDK's verdict on "permissions broadened" is read from
//! `expected.json`: directly when the test probes `permissionsBroadened`, otherwise
//! derived from what the test expects CDK to report (statement, managed policy, SSO and
//! security group additions and removals), exactly as CDK's `permissionsBroadened`
//! derives it from them. Our `broadening` (and `cdk_broadening`) must equal it. Where
//! the test probes the changes themselves, our table rows are compared with them too.
//!
//! Skipped (with a message) when the corpus is not there.

use std::fs;
use std::path::{Path, PathBuf};

use preflight_policy::diff::{ChangeSet, Sign, diff};
use serde_json::Value;

fn corpus() -> PathBuf {
    match std::env::var_os("PREFLIGHT_CORPUS") {
        Some(dir) => PathBuf::from(dir).join("cdk-iam-diff"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/cdk-iam-diff"),
    }
}

/// Pairs whose test asserts nothing `expected.json` can carry (a `toBeTruthy` on
/// `true`, a row count): CDK's verdict, worked out from the test source.
const BY_HAND: &[(&str, bool, &str)] = &[
    (
        "01-broadening-is-permissions-diff-can-be-printed",
        true,
        "same templates as 00 (an Allow statement added to a queue policy)",
    ),
    (
        "21-supports-fn-if-in-the-elements-of-an-array-typed-property-of-role",
        true,
        "the test expects 2 statement additions, one the Allow trust statement",
    ),
];

/// A statement as CDK's `_toJson` or summary rows describe it.
fn positive(effect: &str, negated: bool) -> bool {
    match effect {
        "Allow" => !negated,
        _ => negated,
    }
}

fn json_statement_positive(s: &Value) -> bool {
    let not = ["resources", "actions", "principals"]
        .iter()
        .any(|k| s[k]["not"].as_bool() == Some(true));
    positive(s["effect"].as_str().unwrap_or(""), not)
}

/// CDK's verdict from one probe, or `None` when the probe says nothing about it.
fn verdict(what: &str, expected: &Value) -> Option<bool> {
    let rows = || expected.as_array().map(|r| &r[1..]).unwrap_or(&[]);
    let list = |k: &str| expected[k].as_array().cloned().unwrap_or_default();
    Some(match what {
        "permissionsBroadened" => expected.as_bool()?,
        "iamChanges._toJson (unwrapParsed)" => {
            list("statementAdditions")
                .iter()
                .any(json_statement_positive)
                || list("statementRemovals")
                    .iter()
                    .any(|s| !json_statement_positive(s))
                || !list("managedPolicyAdditions").is_empty()
        }
        "iamChanges.summarizeStatements" => rows().iter().any(|row| {
            let cells: Vec<&str> = row
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let negated = cells.iter().any(|c| c.contains("NOT "));
            let pos = positive(cells.get(2).copied().unwrap_or(""), negated);
            match cells.first().copied() {
                Some("+") => pos,
                Some("-") => !pos,
                _ => false,
            }
        }),
        "iamChanges.summarizeManagedPolicies"
        | "iamChanges.summarizeSsoPermissionSets"
        | "iamChanges.summarizeSsoAssignments"
        | "iamChanges.summarizeSsoInstanceACAConfigs" => {
            rows().iter().any(|row| row[0].as_str() == Some("+"))
        }
        "securityGroupChanges.toJson" => {
            !list("ingressRuleAdditions").is_empty() || !list("egressRuleAdditions").is_empty()
        }
        _ => return None,
    })
}

fn expected_verdict(name: &str, expected: &Value) -> Option<(bool, String)> {
    let mut found: Option<bool> = None;
    let mut sources = Vec::new();
    for e in expected["expects"].as_array().into_iter().flatten() {
        let Some(what) = e["probe"]["what"].as_str() else {
            continue;
        };
        if let Some(v) = verdict(what, &e["expected"]) {
            found = Some(found.unwrap_or(false) || v);
            sources.push(what.trim_start_matches("iamChanges.").to_string());
        }
    }
    if let Some(v) = found {
        return Some((v, sources.join("+")));
    }
    BY_HAND
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, v, _why)| (*v, "by hand (see BY_HAND)".to_string()))
}

/// Our statement rows in CDK's `_toJson` shape: (sign, effect, actions, resources,
/// principals), values sorted.
type Shape = (String, String, Vec<String>, Vec<String>, Vec<String>);

fn our_statements(set: &ChangeSet) -> Vec<Shape> {
    let split = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = s
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    let mut out: Vec<Shape> = set
        .tables()
        .statements
        .iter()
        .map(|r| {
            (
                r.sign.as_str().to_string(),
                r.effect.clone(),
                split(&r.action),
                split(&r.resource),
                split(&r.principal),
            )
        })
        .collect();
    out.sort();
    out
}

fn cdk_statements(expected: &Value) -> Vec<Shape> {
    let values = |s: &Value, k: &str| -> Vec<String> {
        let not = s[k]["not"].as_bool() == Some(true);
        let mut v: Vec<String> = s[k]["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|x| {
                // We spell `"*"` and `{"AWS": "*"}` alike; CDK keeps them apart.
                let x = if k == "principals" && x == "*" {
                    "AWS:*"
                } else {
                    x
                };
                if not {
                    format!("NOT {x}")
                } else {
                    x.to_string()
                }
            })
            .collect();
        v.sort();
        v
    };
    let mut out = Vec::new();
    for (key, sign) in [("statementAdditions", "+"), ("statementRemovals", "-")] {
        for s in expected[key].as_array().into_iter().flatten() {
            out.push((
                sign.to_string(),
                s["effect"].as_str().unwrap_or("").to_string(),
                values(s, "actions"),
                values(s, "resources"),
                values(s, "principals"),
            ));
        }
    }
    out.sort();
    out
}

/// Compares our rows with the changes a probe expects, where we can. `None`: nothing
/// to compare.
fn details_agree(what: &str, expected: &Value, set: &ChangeSet) -> Option<Result<(), String>> {
    let tables = set.tables();
    let check = |ours: Vec<Vec<String>>, theirs: Vec<Vec<String>>| {
        let (mut a, mut b) = (ours, theirs);
        a.sort();
        b.sort();
        if a == b {
            Ok(())
        } else {
            Err(format!("ours {a:?}\n   cdk  {b:?}"))
        }
    };
    let table_rows = |expected: &Value| -> Vec<Vec<String>> {
        expected
            .as_array()
            .map(|r| &r[1..])
            .unwrap_or(&[])
            .iter()
            .map(|row| {
                row.as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| c.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .collect()
    };
    Some(match what {
        "iamChanges._toJson (unwrapParsed)" => {
            let ours = our_statements(set);
            let theirs = cdk_statements(expected);
            let mut r = if ours == theirs {
                Ok(())
            } else {
                Err(format!("ours {ours:?}\n   cdk  {theirs:?}"))
            };
            if r.is_ok() {
                let mut mp: Vec<Vec<String>> = Vec::new();
                for (key, sign) in [
                    ("managedPolicyAdditions", "+"),
                    ("managedPolicyRemovals", "-"),
                ] {
                    for m in expected[key].as_array().into_iter().flatten() {
                        mp.push(vec![
                            sign.into(),
                            m["identityArn"].as_str().unwrap_or("").into(),
                            m["managedPolicyArn"].as_str().unwrap_or("").into(),
                        ]);
                    }
                }
                r = check(managed_rows(&tables), fn_if_managed(mp));
            }
            r
        }
        "iamChanges.summarizeManagedPolicies" => {
            check(managed_rows(&tables), fn_if_managed(table_rows(expected)))
        }
        "iamChanges.summarizeStatements" => {
            let ours = tables
                .statements
                .iter()
                .map(|r| {
                    vec![
                        r.sign.as_str().to_string(),
                        r.resource.clone(),
                        r.effect.clone(),
                        r.action.clone(),
                        r.principal.clone(),
                        r.condition.clone(),
                    ]
                })
                .collect();
            check(ours, table_rows(expected))
        }
        "securityGroupChanges.toJson" => {
            let mut theirs = Vec::new();
            for (key, sign, dir) in [
                ("ingressRuleAdditions", "+", "In"),
                ("ingressRuleRemovals", "-", "In"),
                ("egressRuleAdditions", "+", "Out"),
                ("egressRuleRemovals", "-", "Out"),
            ] {
                for r in expected[key].as_array().into_iter().flatten() {
                    let peer = &r["peer"];
                    let peer = ["ip", "securityGroupId", "prefixListId"]
                        .iter()
                        .find_map(|k| peer[k].as_str())
                        .unwrap_or("?")
                        .to_string();
                    theirs.push(vec![
                        sign.into(),
                        r["groupId"].as_str().unwrap_or("").into(),
                        dir.into(),
                        r["ipProtocol"].as_str().unwrap_or("").into(),
                        r["fromPort"].to_string(),
                        r["toPort"].to_string(),
                        peer,
                    ]);
                }
            }
            let ours = set
                .changes
                .iter()
                .filter_map(|c| {
                    let v = c.new.as_ref().or(c.old.as_ref())?;
                    v.get("direction")?;
                    let peer = &v["peer"];
                    Some(vec![
                        if c.new.is_some() { "+" } else { "-" }.to_string(),
                        v["group"].as_str().unwrap_or("").into(),
                        if v["direction"] == "ingress" {
                            "In"
                        } else {
                            "Out"
                        }
                        .into(),
                        v["protocol"].as_str().unwrap_or("").into(),
                        v["from_port"].as_str().unwrap_or("").into(),
                        v["to_port"].as_str().unwrap_or("").into(),
                        ["ip", "securityGroupId", "prefixListId"]
                            .iter()
                            .find_map(|k| peer[k].as_str())
                            .unwrap_or("?")
                            .to_string(),
                    ])
                })
                .collect();
            check(ours, theirs)
        }
        _ => return None,
    })
}

fn managed_rows(tables: &preflight_policy::diff::Tables) -> Vec<Vec<String>> {
    tables
        .managed_policies
        .iter()
        .map(|r| {
            vec![
                if r.sign == Sign::Added { "+" } else { "-" }.to_string(),
                r.resource.clone(),
                r.arn.clone(),
            ]
        })
        .collect()
}

/// CDK shows `ManagedPolicyArns: {"Fn::If": [c, [a], [b]]}` as one row holding the
/// whole `Fn::If`; we keep both branches, one row each. Expand CDK's rows the same way
/// to compare.
fn fn_if_managed(rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for row in rows {
        let parsed: Option<Value> = row.get(2).and_then(|c| serde_json::from_str(c).ok());
        match parsed
            .as_ref()
            .and_then(|v| v.get("Fn::If"))
            .and_then(Value::as_array)
        {
            Some(args) if args.len() == 3 => {
                for branch in &args[1..] {
                    for arn in branch
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        out.push(vec![row[0].clone(), row[1].clone(), arn.to_string()]);
                    }
                }
            }
            _ => out.push(row),
        }
    }
    out
}

#[test]
fn agrees_with_cdk_diff() {
    let dir = corpus();
    let Ok(entries) = fs::read_dir(&dir) else {
        println!("skipped: no cdk-iam-diff corpus at {}", dir.display());
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let read = |name: &str, file: &str| -> Value {
        let text = fs::read_to_string(dir.join(name).join(file))
            .unwrap_or_else(|e| panic!("{name}/{file}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}/{file}: {e}"))
    };

    let mut agree = 0;
    let mut total = 0;
    let mut detail_agree = 0;
    let mut detail_total = 0;
    let mut failures = Vec::new();
    println!(
        "{:<72} {:<28} {:>5} {:>5} {:>5}  details",
        "pair", "cdk verdict from", "cdk", "ours", "ours~cdk"
    );
    for name in &names {
        let old = read(name, "old.json");
        let new = read(name, "new.json");
        let expected = read(name, "expected.json");
        let set = diff(&old, &new);
        let Some((cdk, source)) = expected_verdict(name, &expected) else {
            println!("{name:<72} (no verdict derivable; not counted)");
            continue;
        };
        total += 1;
        let ok = set.broadening == cdk && set.cdk_broadening == cdk;
        if ok {
            agree += 1;
        } else {
            failures.push(format!(
                "{name}: cdk {cdk}, ours {} (cdk-compatible {})\n{}",
                set.broadening,
                set.cdk_broadening,
                serde_json::to_string_pretty(&set).unwrap_or_default()
            ));
        }
        let mut details = Vec::new();
        for e in expected["expects"].as_array().into_iter().flatten() {
            let Some(what) = e["probe"]["what"].as_str() else {
                continue;
            };
            if let Some(result) = details_agree(what, &e["expected"], &set) {
                detail_total += 1;
                match result {
                    Ok(()) => {
                        detail_agree += 1;
                        details.push("ok".to_string());
                    }
                    Err(msg) => {
                        details.push("DIFF".to_string());
                        failures.push(format!("{name}: {what} differs:\n   {msg}"));
                    }
                }
            }
        }
        println!(
            "{name:<72} {source:<28} {cdk:>5} {:>5} {:>5}  {}",
            set.broadening,
            set.cdk_broadening,
            details.join(",")
        );
    }
    println!("broadening agreement with cdk diff: {agree}/{total}");
    println!("change details agreement: {detail_agree}/{detail_total}");
    assert!(total > 0, "no pairs read from {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
