//! Odd input never makes the policy panic or fail: every node of every fixture is
//! replaced, in turn, by values of the wrong type (null, a number, a list, a string, an
//! intrinsic, an `Fn::If`, `AWS::NoValue`), and the policy must still evaluate.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use preflight_policy::pointer::escape;
use preflight_policy::{Input, Policy};
use preflight_policy_security::SecurityPolicy;
use preflight_template::{Limits, Template};
use serde_json::{Value, json};

/// Every JSON pointer in a value, without recursion.
fn pointers(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(value, String::new())];
    while let Some((v, p)) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    stack.push((child, format!("{p}/{}", escape(k))));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((child, format!("{p}/{i}")));
                }
            }
            _ => {}
        }
        out.push(p);
    }
    out
}

#[test]
fn odd_values_everywhere_do_not_break_the_policy() {
    let odd = [
        Value::Null,
        json!(7),
        json!([1, "x", null]),
        json!("*"),
        json!({"Ref": "Missing"}),
        json!({"Fn::If": ["Cond", {"Ref": "AWS::NoValue"}, "0.0.0.0/0"]}),
        json!({"Ref": "AWS::NoValue"}),
        json!({"Fn::GetAtt": 5}),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut runs = 0usize;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    for path in entries {
        let template = Template::load(&path, &Limits::default()).expect("fixture loads");
        let base = template.value().clone();
        for pointer in pointers(&base).into_iter().filter(|p| !p.is_empty()) {
            for value in &odd {
                let mut mutated = base.clone();
                if let Some(slot) = mutated.pointer_mut(&pointer) {
                    *slot = value.clone();
                }
                let input = Input {
                    template: mutated,
                    baseline: None,
                    path: "hostile.yaml".into(),
                    settings: json!({}),
                };
                let result = catch_unwind(AssertUnwindSafe(|| SecurityPolicy::evaluate(&input)));
                match result {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => panic!("{}: {pointer} = {value}: error {e}", path.display()),
                    Err(_) => panic!("{}: {pointer} = {value}: panicked", path.display()),
                }
                runs += 1;
            }
        }
    }
    println!("{runs} evaluations of mutated fixtures");
    assert!(runs > 1000);
}
