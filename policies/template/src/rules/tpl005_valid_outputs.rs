use std::collections::HashMap;

use preflight_policy::prelude::*;
use serde_json::Value;

use crate::anchor;

declare_rule! {
    /// ## What it does
    /// Checks each output: it is a mapping with a `Value`, it uses only the keys
    /// `Description`, `Value`, `Export` and `Condition`, its `Export` has a `Name`, its
    /// value and export name are strings (not lists, plain mappings, or functions that
    /// return lists such as `Fn::Split`, `Fn::GetAZs` or a `Ref` to a list parameter), and
    /// no two outputs export the same literal name.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template, or fails the stack operation when it reaches
    /// the outputs ("Export with name X is already exported by this stack"), after the
    /// resources were already created or updated.
    ///
    /// ## Example
    /// ```yaml
    /// Outputs:
    ///   QueueUrl:
    ///     Value: !Ref Queue
    ///     Export:
    ///       Value: queue-url
    ///   Subnets:
    ///     Value: !Split [",", !Ref SubnetList]
    /// ```
    ///
    /// ## Fix
    /// Give every output a string `Value`, give every `Export` a unique `Name`, and join
    /// lists with `Fn::Join`.
    pub struct ValidOutputs {
        id: "TPL005",
        name: "valid-outputs",
        title: "Outputs have a string Value and unique export names",
        severity: High,
        equivalents: { "cfn-lint": ["E6001", "E6002", "E6003", "E6101", "E6102"] },
    }
}

const OUTPUT_KEYS: &[&str] = &["Description", "Value", "Export", "Condition"];

impl Rule for ValidOutputs {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        cx.template.section("Outputs").is_some()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let Some(section) = t.section("Outputs") else {
            return;
        };
        if section.value().is_null() {
            out.add(
                &section,
                "Outputs is empty (null), which CloudFormation rejects",
            )
            .highlight("Outputs");
            return;
        }
        if !section.is_object() {
            out.add(
                &section,
                "Outputs must be a mapping of output names to outputs",
            )
            .highlight("Outputs");
            return;
        }
        // Export name (as written) → the output that exported it first.
        let mut exported: HashMap<String, String> = HashMap::new();
        for (name, output) in t.outputs() {
            if !output.is_object() {
                out.add(
                    &output,
                    format!("output `{name}` must be a mapping with a Value"),
                )
                .highlight(name);
                continue;
            }
            for (key, _) in output.entries() {
                if !OUTPUT_KEYS.contains(&key) {
                    out.add(
                        &output.get(key).expect("an entry"),
                        format!("output `{name}` has unknown key `{key}`"),
                    )
                    .highlight(key);
                }
            }
            match output.get("Value") {
                None => {
                    out.add(&output, format!("output `{name}` has no Value"))
                        .highlight(name);
                }
                Some(value) if value.value().is_null() => {
                    out.add(&value, format!("output `{name}` has no Value"))
                        .highlight("Value");
                }
                Some(value) => {
                    if let Some((at, problem)) = not_a_string(&t, &value) {
                        out.add(&at, format!("Value of output `{name}` is {problem}"));
                    }
                }
            }
            let Some(export) = output.get("Export") else {
                continue;
            };
            let Some(export_name) = export.get("Name").filter(|n| !n.value().is_null()) else {
                out.add(&export, format!("Export of output `{name}` has no Name"))
                    .highlight("Export");
                continue;
            };
            for (key, _) in export.entries() {
                if key != "Name" {
                    out.add(
                        &export.get(key).expect("an entry"),
                        format!("Export of output `{name}` has unknown key `{key}`"),
                    )
                    .highlight(key);
                }
            }
            if let Some((at, problem)) = not_a_string(&t, &export_name) {
                out.add(&at, format!("export name of output `{name}` is {problem}"));
                continue;
            }
            if let Some(key) = literal_key(export_name.value()) {
                if let Some(first) = exported.get(&key) {
                    anchor::value(
                        out,
                        &export_name,
                        format!("output `{name}` exports the same name as output `{first}`"),
                    );
                } else {
                    exported.insert(key, name.to_string());
                }
            }
        }
    }
}

/// Why `node` cannot be an output value or export name, if it cannot, and the node to
/// point at: a list, a plain mapping, or a function that returns a list (looking into
/// both branches of `Fn::If`).
fn not_a_string<'a>(t: &Template, node: &Node<'a>) -> Option<(Node<'a>, String)> {
    let mut pending = vec![node.clone()];
    while let Some(node) = pending.pop() {
        match node.value() {
            Value::Array(_) => return Some((node, "a list, not a string".to_string())),
            Value::Object(map) => {
                let function = (map.len() == 1)
                    .then(|| map.keys().next())
                    .flatten()
                    .filter(|k| *k == "Ref" || k.starts_with("Fn::"));
                let Some(name) = function else {
                    return Some((node, "a mapping, not a string".to_string()));
                };
                let call = node.get(name).expect("the only key");
                match name.as_str() {
                    "Ref" => {
                        let Some(parameter) = call.as_str() else {
                            continue;
                        };
                        let ty = t
                            .section("Parameters")
                            .and_then(|p| p.get(parameter))
                            .and_then(|p| p.get("Type"))
                            .and_then(|ty| ty.as_str());
                        if let Some(ty) = ty
                            && (ty.starts_with("List<") || ty == "CommaDelimitedList")
                        {
                            return Some((
                                call,
                                format!(
                                    "a list (parameter `{parameter}` is a {ty}); join it with Fn::Join"
                                ),
                            ));
                        }
                    }
                    "Fn::Split" | "Fn::GetAZs" | "Fn::Cidr" => {
                        return Some((call, format!("a list ({name}); join it with Fn::Join")));
                    }
                    "Fn::If" => {
                        let branches: Vec<Node> = call.items().skip(1).collect();
                        pending.extend(branches.into_iter().rev());
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    None
}

/// A key that is equal for two export names exactly when they are certainly the same
/// name: a literal string, or the same `Fn::Sub` text without local variables.
fn literal_key(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(format!("s:{s}")),
        _ => match Intrinsic::parse(value)? {
            Intrinsic::Sub {
                template,
                variables: None,
            } => Some(format!("sub:{template}")),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL005", "tests/fixtures/tpl005.yaml"));
    }

    #[test]
    fn outputs_section_not_a_mapping() {
        insta::assert_snapshot!(render_rule("TPL005", "tests/fixtures/tpl005_list.yaml"));
    }

    #[test]
    fn outputs_section_null() {
        insta::assert_snapshot!(render_rule("TPL005", "tests/fixtures/tpl005_null.yaml"));
    }
}
