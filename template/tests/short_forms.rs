//! Every CloudFormation short-form tag becomes its long form, and pointers into the
//! result map back to the source.

use preflight_template::{Limits, Template};

#[test]
fn short_forms_become_long_forms() {
    let t = Template::load(
        "tests/fixtures/short-forms.yaml".as_ref(),
        &Limits::default(),
    )
    .unwrap();
    insta::assert_json_snapshot!(t.value());
}

#[test]
fn yaml_and_json_twins_are_equal() {
    let yaml = Template::load(
        "tests/fixtures/short-forms.yaml".as_ref(),
        &Limits::default(),
    )
    .unwrap();
    let json = Template::parse(&yaml.to_json(), "twin.json", &Limits::default()).unwrap();
    assert_eq!(yaml.value(), json.value());
}

#[test]
fn pointers_locate_members_items_and_tags() {
    let t = Template::load(
        "tests/fixtures/short-forms.yaml".as_ref(),
        &Limits::default(),
    )
    .unwrap();
    let at = |p: &str| {
        let l = t.locate(p).unwrap_or_else(|| panic!("{p} not found"));
        (l.line, l.column, l.end_line, l.end_column)
    };
    // A member spans its key and value.
    assert_eq!(at("/Resources/Bucket/Type"), (13, 5, 13, 26));
    // A tagged scalar's long form sits where the tag is.
    assert_eq!(
        at("/Resources/Bucket/Properties/Tags/2/Value/Fn::ImportValue"),
        (22, 18, 22, 44)
    );
    // Items of a flow sequence.
    assert_eq!(at("/Conditions/IsProd/Fn::Equals/1"), (3, 32, 3, 36));
    // A `!GetAtt A.B` scalar: both parts point at the scalar.
    assert_eq!(
        at("/Resources/Bucket/Properties/Tags/5/Value/Fn::If/1/Fn::GetAtt/0"),
        (28, 31, 28, 48)
    );
    assert_eq!(t.locate("/Resources/Nope"), None);
    let (nearest, exact) = t.locate_nearest("/Resources/Bucket/Properties/Missing");
    assert!(!exact);
    assert_eq!(nearest.line, 14);
    // Narrowing to a substring.
    let sub = t
        .locate("/Resources/Bucket/Properties/Tags/8/Value/Fn::Sub/0")
        .unwrap();
    let narrowed = t.narrow(sub, "${Queue.Arn}").unwrap();
    assert_eq!(
        (narrowed.line, narrowed.column, narrowed.end_column),
        (35, 24, 36)
    );
}

#[test]
fn unknown_tags_become_namespaced_long_forms() {
    let text = "Resources:\n  M:\n    Type: !Rain::Module ./vpc.yaml\n  F:\n    Properties:\n      Code: !Rain::Embed [a, b]\n      Other: !Subb x\n";
    let t = Template::parse(text, "t.yaml", &Limits::default()).unwrap();
    assert_eq!(
        t.value()["Resources"],
        serde_json::json!({
            "M": {"Type": {"Fn::Rain::Module": "./vpc.yaml"}},
            "F": {"Properties": {"Code": {"Fn::Rain::Embed": ["a", "b"]}, "Other": {"Fn::Subb": "x"}}},
        })
    );
    // The long form sits at the tag.
    let at = t.locate("/Resources/M/Type/Fn::Rain::Module").unwrap();
    assert_eq!((at.line, at.column), (3, 11));
}
