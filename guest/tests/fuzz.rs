//! The `diff` fuzz target's body, run by the suite: every committed corpus entry and
//! crash input (`fuzz/corpus/diff/`, `fuzz/artifacts/diff/`), then a deterministic smoke
//! of recombined corpus templates.

use std::path::Path;

use serde_json::{Value, json};

fn inputs() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut out = Vec::new();
    for dir in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join("diff")) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        out.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
    }
    out
}

#[test]
fn diff_target() {
    let corpus = inputs();
    assert!(!corpus.is_empty(), "fuzz/corpus/diff has entries");
    for input in &corpus {
        preflight_policy::diff::fuzz(input);
    }
    // Statements recombined: every action/resource/effect shape against every other.
    let actions = [
        json!("s3:*"),
        json!(["s3:GetObject", "iam:PassRole"]),
        json!("*"),
        json!("ec?:Describe*"),
    ];
    let resources = [
        json!("*"),
        json!("arn:aws:s3:::b/*"),
        json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::x"}),
    ];
    let mut statements: Vec<Value> = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        for (j, r) in resources.iter().enumerate() {
            let (action, resource) = if (i + j) % 3 == 0 {
                ("NotAction", "Resource")
            } else {
                ("Action", "NotResource")
            };
            let effect = if (i * j) % 4 == 1 { "Deny" } else { "Allow" };
            statements.push(json!({"Effect": effect, action: a, resource: r}));
        }
    }
    let role = |s: &[Value]| {
        json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": s}}]}}}})
    };
    for i in 0..statements.len() {
        for j in 0..statements.len() {
            let old = role(&statements[..i]);
            let new = role(&statements[j..]);
            let mut data = serde_json::to_vec(&old).unwrap();
            data.push(0);
            data.extend(serde_json::to_vec(&new).unwrap());
            preflight_policy::diff::fuzz(&data);
        }
    }
}
