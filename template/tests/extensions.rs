//! `AWS::LanguageExtensions` are expanded by the loader, generated nodes located in the
//! loop body they come from.

use preflight_template::{Limits, LoadErrorKind, Template};
use serde_json::json;

fn load(text: &str) -> Template {
    Template::parse(text, "t.yaml", &Limits::default()).unwrap()
}

#[test]
fn nested_loops_substitute_keys_values_and_refs() {
    let t = load(
        "Transform: AWS::LanguageExtensions
Parameters:
  Envs: {Type: CommaDelimitedList, Default: 'dev,prod-1'}
Resources:
  Fn::ForEach::Envs:
    - Env
    - !Ref Envs
    - Fn::ForEach::Kinds:
        - Kind
        - [a, b]
        - Q${Kind}&{Env}:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub '${Kind}-${Env}'
              Tag: !Ref Env
Outputs:
  Count: {Value: !Length [1, 2, 3]}
  Envs: {Value: !Length {Ref: Envs}}
  Json: {Value: !ToJsonString {a: [1, true]}}
  Later: {Value: !ToJsonString {a: !Ref Envs}}
",
    );
    let resources = t.value()["Resources"].as_object().unwrap();
    let names: Vec<&str> = resources.keys().map(String::as_str).collect();
    assert_eq!(names, ["Qadev", "Qbdev", "Qaprod1", "Qbprod1"]);
    assert_eq!(
        t.value()["Resources"]["Qbprod1"]["Properties"],
        json!({"QueueName": {"Fn::Sub": "b-prod-1"}, "Tag": "prod-1"})
    );
    assert_eq!(t.value()["Outputs"]["Count"]["Value"], 3);
    assert_eq!(t.value()["Outputs"]["Envs"]["Value"], 2);
    assert_eq!(t.value()["Outputs"]["Json"]["Value"], r#"{"a":[1,true]}"#);
    // A value known only at deploy time stays a function call.
    assert_eq!(
        t.value()["Outputs"]["Later"]["Value"],
        json!({"Fn::ToJsonString": {"a": {"Ref": "Envs"}}})
    );
    // Every copy sits in the loop body: its key on line 11, the property on line 14.
    for name in names {
        let at = t
            .locate(&format!("/Resources/{name}/Properties/QueueName"))
            .unwrap();
        assert_eq!(at.line, 14, "{name}");
        let at = t.locate(&format!("/Resources/{name}")).unwrap();
        assert_eq!(at.line, 11, "{name}");
    }
}

#[test]
fn a_collection_known_only_at_deploy_time_expands_once() {
    let t = load(
        "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn::ForEach::Zones:
    - Zone
    - !GetAZs ''
    - Subnet${Zone}:
        Type: AWS::EC2::Subnet
        Properties: {AvailabilityZone: !Ref Zone}
",
    );
    assert_eq!(
        t.value()["Resources"],
        json!({"SubnetPlaceholder": {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": "Placeholder"}}})
    );
}

#[test]
fn without_the_transform_nothing_is_expanded() {
    let text = "Resources:\n  Fn::ForEach::X: [I, [a], {'R${I}': {Type: AWS::SNS::Topic}}]\n";
    assert!(load(text).value()["Resources"]["Fn::ForEach::X"].is_array());
}

#[test]
fn loops_that_explode_are_refused() {
    let mut text = String::from("Transform: AWS::LanguageExtensions\nResources:\n");
    let items: Vec<String> = (0..40).map(|i| format!("i{i}")).collect();
    let list = format!("[{}]", items.join(", "));
    // Five nested loops of 40 items: 100 million copies.
    let mut indent = String::from("  ");
    for depth in 0..5 {
        text.push_str(&format!(
            "{indent}Fn::ForEach::L{depth}:\n{indent}  - V{depth}\n{indent}  - {list}\n{indent}  - "
        ));
        indent.push_str("    ");
        if depth < 4 {
            text.push('\n');
        }
    }
    text.push_str("R${V0}${V1}${V2}${V3}${V4}: {Type: AWS::SNS::Topic}\n");
    let e = Template::parse(&text, "t.yaml", &Limits::default()).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::TooManyGenerated(_)), "{e}");
}
