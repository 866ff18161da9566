//! `Transform: AWS::LanguageExtensions`: templates written with `Fn::ForEach`,
//! `Fn::Length`, `Fn::ToJsonString` and intrinsic deletion policies are judged as
//! CloudFormation expands them. Each fixture has a twin written out by hand: the built-in
//! policies must say exactly the same about both (no finding caused by the loops), and a
//! mistake inside a loop body is reported at its line in the loop.

mod common;

use std::collections::BTreeSet;

use common::{fixture, json_of, preflight};
use serde_json::Value;

fn check(name: &str) -> (i32, Value) {
    json_of(
        preflight()
            .current_dir(fixture("foreach"))
            .args(["check", "--sam", "off", "--format", "json", name]),
    )
}

/// Every finding as (rule, resource, message): what is reported, wherever it sits.
fn findings(report: &Value) -> BTreeSet<(String, String, String)> {
    report["templates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["resource"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn loops_are_judged_as_their_expansion() {
    for (looped, expanded) in [
        ("tables.yaml", "tables-expanded.yaml"),
        ("topics.yaml", "topics-expanded.yaml"),
    ] {
        let (code, report) = check(looped);
        assert!(
            report["templates"][0]["error"].is_null(),
            "{looped}: {}",
            report["templates"][0]["error"]
        );
        let (twin_code, twin) = check(expanded);
        // The twin declares parameters only the loops use (TPL004 there, rightly).
        let looped_findings = findings(&report);
        let mut twin_findings = findings(&twin);
        twin_findings.retain(|(rule, _, _)| rule != "TPL004");
        assert_eq!(
            looped_findings, twin_findings,
            "{looped} and {expanded} get the same findings"
        );
        assert_eq!(code, twin_code, "{looped}");
        // Nothing blocks on the clean fixtures: no TPL001 on the loop variable, no
        // TPL005/TPL009 on looped outputs.
        let blocking: Vec<&Value> = report["templates"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["blocking"] == true)
            .collect();
        assert!(blocking.is_empty(), "{looped}: {blocking:?}");
    }
}

#[test]
fn generated_nodes_are_located_in_the_loop_body() {
    let (code, report) = check("mistake.yaml");
    assert_eq!(code, 1, "{report}");
    let found: Vec<(String, String, u64)> = report["templates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap_or("").contains("TableNme"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // One finding per generated table, both at the misspelt key's line in the loop.
    let resources: BTreeSet<&str> = found.iter().map(|(_, r, _)| r.as_str()).collect();
    assert_eq!(resources, BTreeSet::from(["Points", "Score"]), "{found:?}");
    assert!(found.iter().all(|(_, _, line)| *line == 10), "{found:?}");
}
