//! The SDK's fuzz targets' bodies, run by the suite: every committed corpus entry and
//! crash input (`fuzz/corpus/<target>/`, `fuzz/artifacts/<target>/`) of `diff` and
//! `policy-results`, then a deterministic smoke of recombined corpus templates (`diff`)
//! and of the limits a guest's report meets (`policy-results`).

use preflight_template::fuzz::committed_inputs;
use serde_json::{Value, json};

#[test]
fn diff_target() {
    let corpus = committed_inputs("diff").unwrap();
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

#[test]
fn policy_results_target() {
    use preflight_policy::contract::{self, Malformed, ResultLimits, check_report};
    let corpus = committed_inputs("policy-results").unwrap();
    assert!(
        corpus.len() > 1,
        "fuzz/corpus/policy-results and its artifacts have entries"
    );
    for input in &corpus {
        contract::fuzz(input, |p| preflight_template::parse_pointer(p).is_ok());
    }
    // What each kind of malformed report is refused for, at the default limits.
    let check = |data: &[u8]| check_report(&contract::decode(data), &ResultLimits::default());
    assert_eq!(check(b"\x02TPL001\x01m\x01/Resources/B\x01B\x01x"), Ok(()));
    assert!(matches!(
        check(b"\x02TPL001\x01m\x01/Resources\0*10000"),
        Err(Malformed::TooManyFindings {
            count: 10_001,
            limit: 10_000
        })
    ));
    assert!(matches!(
        check(b"\x80TPL001\0*10000"),
        Err(Malformed::TooManyStatuses { count: 10_001, .. })
    ));
    let mut huge = b"\x02TPL001\x01".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 5_000_000));
    huge.extend(b"\x01/Resources\0");
    let huge = [&huge[..], &huge[..]].concat();
    assert!(matches!(check(&huge), Err(Malformed::TooLarge { .. })));
    for rule in [&b""[..], b"X\nY", b"X\x1b[31m"] {
        let mut data = vec![2];
        data.extend(rule);
        data.extend(b"\x01m\x01/Resources");
        assert!(
            matches!(check(&data), Err(Malformed::RuleId(_))),
            "{rule:?}"
        );
    }
    let forged = check(b"\x02X001\x01m\x01Resources\n::error::forged").unwrap_err();
    assert!(matches!(forged, Malformed::Pointer { .. }));
    assert!(!forged.to_string().contains('\n'), "{forged}");
}
