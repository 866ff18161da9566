//! Our own diff fixtures (`tests/fixtures/diff/<case>/{old,new}.{yaml,json}` and
//! `expected.json`), covering the broadening kinds beyond `cdk diff`'s, and the
//! stability of the change set digest.

use std::fs;
use std::path::{Path, PathBuf};

use preflight_policy::diff::{ChangeSet, diff};
use preflight_template::{Limits, Template};
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn load(dir: &Path, stem: &str) -> Value {
    for ext in ["yaml", "json"] {
        let path = dir.join(format!("{stem}.{ext}"));
        if path.exists() {
            return Template::load(&path, &Limits::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .into_value();
        }
    }
    panic!("no {stem}.yaml or {stem}.json in {}", dir.display());
}

fn parse(name: &str, text: &str) -> Value {
    Template::parse(text, name, &Limits::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .into_value()
}

fn summary(set: &ChangeSet) -> Vec<Value> {
    let mut v: Vec<Value> = set
        .changes
        .iter()
        .map(|c| {
            json!({
                "category": c.category,
                "change": c.change,
                "resource": c.resource,
                "broadening": c.broadening,
            })
        })
        .collect();
    v.sort_by_key(|x| x.to_string());
    v
}

#[test]
fn fixtures_match_expectations() {
    let mut names: Vec<String> = fs::read_dir(fixtures())
        .expect("fixtures folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 15);
    let mut failures = Vec::new();
    for name in &names {
        let dir = fixtures().join(name);
        let old = load(&dir, "old");
        let new = load(&dir, "new");
        let expected: Value = serde_json::from_str(
            &fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
        )
        .expect("expected.json parses");
        let set = diff(&old, &new);
        let mut want: Vec<Value> = expected["changes"].as_array().cloned().unwrap_or_default();
        want.sort_by_key(|x| x.to_string());
        let got = summary(&set);
        let mut ok = got == want && Some(set.broadening) == expected["broadening"].as_bool();
        if let Some(cdk) = expected["cdk_broadening"].as_bool() {
            ok &= set.cdk_broadening == cdk;
        }
        println!(
            "{name:<45} broadening {:<5} cdk {:<5} changes {:>2} {}",
            set.broadening,
            set.cdk_broadening,
            set.changes.len(),
            if ok { "ok" } else { "MISMATCH" }
        );
        if !ok {
            failures.push(format!(
                "{name}:\n  want {}\n  got  {}\n{}",
                Value::Array(want),
                Value::Array(got),
                serde_json::to_string_pretty(&set).unwrap_or_default()
            ));
        }
        // Every change points somewhere in its template.
        for c in &set.changes {
            for (pointer, template) in [(&c.old_pointer, &old), (&c.new_pointer, &new)] {
                if let Some(p) = pointer {
                    assert!(template.pointer(p).is_some(), "{name}: {p} not in template");
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const BASE: &str = r#"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
"#;

const CHANGED: &str = r#"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, s3:PutObject]
                Resource: !Sub "${Bucket.Arn}/*"
                Condition:
                  Bool: {aws:SecureTransport: "true"}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
"#;

/// `CHANGED` with reordered keys, other formatting, comments, and resources in another
/// order (so every pointer's line moves).
const CHANGED_REORDERED: &str = r#"
# comment lines move everything down


Resources:
  Sg:
    Properties:
      SecurityGroupIngress:
        - CidrIp: 0.0.0.0/0
          ToPort: 443
          FromPort: 443
          IpProtocol: tcp
      GroupDescription: web
    Type: AWS::EC2::SecurityGroup
  Role:
    Properties:
      Policies:
        - PolicyDocument:
            Statement:
              - Condition: {Bool: {"aws:SecureTransport": "true"}}
                Resource: {"Fn::Sub": "${Bucket.Arn}/*"}
                Action: ["s3:PutObject", "s3:GetObject"]
                Effect: Allow
          PolicyName: p
      AssumeRolePolicyDocument:
        Statement:
          - Action: [sts:AssumeRole]
            Principal:
              Service: [lambda.amazonaws.com]
            Effect: Allow
    Type: AWS::IAM::Role
"#;

const CHANGED_JSON: &str = r#"{"Resources": {
  "Role": {"Type": "AWS::IAM::Role", "Properties": {
    "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
    "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"], "Resource": {"Fn::Sub": "${Bucket.Arn}/*"},
      "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}}]}},
  "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "web",
    "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}}}}"#;

fn digest(old: &str, new: &str) -> String {
    let old = parse("old.yaml", old);
    let new = if new.trim_start().starts_with('{') {
        parse("new.json", new)
    } else {
        parse("new.yaml", new)
    };
    diff(&old, &new).digest
}

#[test]
fn digest_is_stable_across_spelling() {
    let d = digest(BASE, CHANGED);
    assert_eq!(d.len(), 64);
    assert!(d.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(d, digest(BASE, CHANGED), "deterministic");
    assert_eq!(
        d,
        digest(BASE, CHANGED_REORDERED),
        "key order, formatting, lines"
    );
    assert_eq!(d, digest(BASE, CHANGED_JSON), "YAML vs JSON");
    // The old side's spelling does not matter either.
    let base_json = r#"{"Resources": {"Role": {"Properties": {"AssumeRolePolicyDocument":
        {"Statement": {"Action": "sts:AssumeRole", "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}}}}, "Type": "AWS::IAM::Role"}}}"#;
    let old = parse("old.json", base_json);
    let new = parse("new.yaml", CHANGED);
    assert_eq!(d, diff(&old, &new).digest);
}

#[test]
fn digest_changes_with_any_change() {
    let d = digest(BASE, CHANGED);
    let variants = [
        // One action changed.
        CHANGED.replace("s3:PutObject", "s3:DeleteObject"),
        // The resource changed.
        CHANGED.replace("${Bucket.Arn}/*", "${Bucket.Arn}/x/*"),
        // The condition changed.
        CHANGED.replace("\"true\"", "\"false\""),
        // The port changed.
        CHANGED.replace("FromPort: 443, ToPort: 443", "FromPort: 444, ToPort: 444"),
        // The effect changed.
        CHANGED.replace(
            "- Effect: Allow\n                Action",
            "- Effect: Deny\n                Action",
        ),
        // The security group is another one.
        CHANGED.replace("  Sg:\n", "  Sg2:\n"),
    ];
    for (i, v) in variants.iter().enumerate() {
        assert_ne!(
            &v.as_str(),
            &CHANGED,
            "variant {i} did not change the template"
        );
        assert_ne!(d, digest(BASE, v), "variant {i} kept the digest");
    }
    // No change at all has its own, fixed digest.
    let none = digest(BASE, BASE);
    assert_ne!(d, none);
    assert_eq!(none, diff(&json!({}), &json!({})).digest);
}

#[test]
fn tables_render_like_cdk_diff() {
    let old = parse("old.yaml", BASE);
    let new = parse("new.yaml", CHANGED);
    let tables = diff(&old, &new).tables();
    assert_eq!(tables.statements.len(), 1);
    let row = &tables.statements[0];
    assert_eq!(row.sign.as_str(), "+");
    assert_eq!(row.resource, "${Bucket.Arn}/*");
    assert_eq!(row.effect, "Allow");
    assert_eq!(row.action, "s3:GetObject\ns3:PutObject");
    assert_eq!(row.principal, "AWS:${Role}");
    assert_eq!(
        row.condition,
        "\"Bool\": {\n  \"aws:SecureTransport\": \"true\"\n}"
    );
    assert!(row.broadening);
    assert_eq!(tables.security_groups.len(), 1);
    let sg = &tables.security_groups[0];
    assert_eq!(
        (
            sg.group.as_str(),
            sg.dir.as_str(),
            sg.protocol.as_str(),
            sg.peer.as_str()
        ),
        ("${Sg.GroupId}", "In", "TCP 443", "Everyone (IPv4)")
    );
    assert!(tables.managed_policies.is_empty());
}

#[test]
fn serialises_to_the_documented_shape() {
    let old = parse("old.yaml", BASE);
    let new = parse("new.yaml", CHANGED);
    let v = serde_json::to_value(diff(&old, &new)).expect("serialises");
    assert_eq!(v["broadening"], json!(true));
    assert!(v["digest"].is_string());
    let change = &v["changes"][0];
    for key in ["category", "change", "resource", "broadening"] {
        assert!(change.get(key).is_some(), "{key} missing from {change}");
    }
}
