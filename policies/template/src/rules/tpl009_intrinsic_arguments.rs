use preflight_policy::prelude::*;
use serde_json::Value;

use crate::{sam, walk};

declare_rule! {
    /// ## What it does
    /// Checks the arguments of every intrinsic function in `Resources`, `Outputs`,
    /// `Conditions`, `Globals` and `Rules`:
    ///
    /// | function | takes |
    /// |---|---|
    /// | `Ref` | a name |
    /// | `Fn::GetAtt` | `[resource, attribute]` or `"resource.attribute"` |
    /// | `Fn::Join` | `[delimiter, [values]]` |
    /// | `Fn::Select` | `[index, [values]]`, index within the list when both are literal |
    /// | `Fn::Split` | `[delimiter, string]` |
    /// | `Fn::If` | `[condition, value if true, value if false]` |
    /// | `Fn::Sub` | a string, or `[string, {variables}]`; every `${` closed |
    /// | `Fn::FindInMap` | `[map, top-level key, second-level key]` (and `{DefaultValue: ...}` with `AWS::LanguageExtensions`) |
    /// | `Fn::Base64`, `Fn::ImportValue`, `Fn::GetAZs` | a string |
    /// | `Fn::Cidr` | `[block, count, bits]` |
    /// | `Fn::Equals` | two values; `Fn::Not` one condition; `Fn::And`, `Fn::Or` 2 to 10 |
    ///
    /// An argument may always be another function call where a single value is expected.
    /// Unknown `Fn::` functions are reported, and so are `Fn::Length`,
    /// `Fn::ToJsonString` and `Fn::ForEach` without the `AWS::LanguageExtensions`
    /// transform. When a macro other than SAM or `AWS::LanguageExtensions` processes the
    /// template, unknown functions are not reported (the macro may handle them).
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Template error: every Fn::Join object
    /// requires two parameters") before it creates or updates anything.
    ///
    /// ## Example
    /// ```yaml
    /// Value: !Join [",", !Ref A, !Ref B]
    /// Arn: !GetAtt Queue
    /// ```
    ///
    /// ## Fix
    /// Write the arguments in the shape the function takes, e.g.
    /// `!Join [",", [!Ref A, !Ref B]]` and `!GetAtt Queue.Arn`.
    pub struct IntrinsicArguments {
        id: "TPL009",
        name: "intrinsic-arguments",
        title: "Intrinsic functions get arguments of the right shape",
        severity: High,
        equivalents: {
            "cfn-lint": [
                "E1010", "E1011", "E1015", "E1016", "E1017", "E1018", "E1019", "E1020",
                "E1021", "E1022", "E1024", "E1028", "E8003", "E8004", "E8005", "E8006",
            ],
        },
    }
}

const KNOWN: &[&str] = &[
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::Transform",
    "Fn::And",
    "Fn::Equals",
    "Fn::If",
    "Fn::Not",
    "Fn::Or",
    "Fn::GetStackOutput",
    // Rules section.
    "Fn::Contains",
    "Fn::EachMemberEquals",
    "Fn::EachMemberIn",
    "Fn::RefAll",
    "Fn::ValueOf",
    "Fn::ValueOfAll",
    "Fn::Implies",
];

/// Need the `AWS::LanguageExtensions` transform.
const LANGUAGE_EXTENSIONS: &[&str] = &["Fn::Length", "Fn::ToJsonString", "Fn::ForEach"];

impl Rule for IntrinsicArguments {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let extensions = sam::has_language_extensions(&t);
        let foreign = sam::has_foreign_transforms(cx);
        for section in ["Resources", "Outputs", "Conditions", "Globals", "Rules"] {
            let Some(root) = t.section(section) else {
                continue;
            };
            for node in walk::nodes(root) {
                // `Fn::ForEach::Name` keys (language extensions) sit among other keys.
                if let Some(map) = node.value().as_object() {
                    for key in map.keys().filter(|k| k.starts_with("Fn::ForEach::")) {
                        if !extensions && !foreign {
                            let at = node.get(key).expect("a key of the mapping");
                            out.add(
                                &at,
                                "Fn::ForEach needs the AWS::LanguageExtensions transform",
                            )
                            .highlight(key.as_str());
                        }
                    }
                }
                let Some((name, args)) = walk::function_call(&node) else {
                    continue;
                };
                if name.starts_with("Fn::ForEach::") {
                    continue;
                }
                if LANGUAGE_EXTENSIONS.contains(&name) {
                    if !extensions && !foreign {
                        out.add(
                            &args,
                            format!("{name} needs the AWS::LanguageExtensions transform"),
                        )
                        .highlight(name);
                    }
                    continue;
                }
                if name != "Ref" && !KNOWN.contains(&name) {
                    // A preprocessor's function (`!Rain::Embed`) is TPL020's.
                    if !foreign && !walk::is_preprocessor_function(name) {
                        out.add(&args, format!("{name} is not an intrinsic function"))
                            .highlight(name);
                    }
                    continue;
                }
                if let Some(problem) = check_args(name, &args, extensions) {
                    let finding = out.add(&problem.at, problem.message);
                    if let Some(h) = problem.highlight {
                        finding.highlight(h);
                    }
                }
            }
        }
    }
}

struct Problem<'a> {
    at: Node<'a>,
    message: String,
    highlight: Option<String>,
}

/// A value that stands for a single value: a scalar, or a function call.
fn scalar_like(v: &Value) -> bool {
    !v.is_array() && (!v.is_object() || is_call(v))
}

/// A value that stands for a list: a sequence, or a function call.
fn list_like(v: &Value) -> bool {
    v.is_array() || is_call(v)
}

fn is_call(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.len() == 1
            && m.keys()
                .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
    })
}

fn check_args<'a>(name: &str, args: &Node<'a>, extensions: bool) -> Option<Problem<'a>> {
    let v = args.value();
    let items = v.as_array();
    let len = items.map_or(0, Vec::len);
    let item = |i: usize| args.index(i).expect("index within length");
    let whole = |message: &str| {
        Some(Problem {
            at: args.clone(),
            message: format!("{name} takes {message}"),
            highlight: None,
        })
    };
    match name {
        "Ref" => match v {
            Value::String(s) if !s.is_empty() => None,
            _ => whole("the name of a parameter or resource"),
        },
        "Fn::GetAtt" => match v {
            Value::String(s) => match s.split_once('.') {
                Some((a, b)) if !a.is_empty() && !b.is_empty() => None,
                _ => whole("[resource, attribute] or \"resource.attribute\""),
            },
            Value::Array(items)
                if items.len() == 2
                    && items[0].as_str().is_some_and(|s| !s.is_empty())
                    && (items[1].is_string() || is_call(&items[1])) =>
            {
                None
            }
            _ => whole("[resource, attribute] or \"resource.attribute\""),
        },
        "Fn::Join" => {
            if len != 2 || !items?[0].is_string() {
                return whole("[delimiter, [values]]");
            }
            if !list_like(&items?[1]) {
                return Some(Problem {
                    at: item(1),
                    message: "the values of Fn::Join must be a list".to_string(),
                    highlight: None,
                });
            }
            None
        }
        "Fn::Split" => {
            if len != 2 || !items?[0].is_string() || !scalar_like(&items?[1]) {
                return whole("[delimiter, string]");
            }
            None
        }
        "Fn::Select" => {
            if len != 2 || !scalar_like(&items?[0]) || !list_like(&items?[1]) {
                return whole("[index, [values]]");
            }
            let index = item(0);
            if index.is_intrinsic() || is_call(index.value()) {
                return None;
            }
            let Some(i) = index.as_i64().filter(|i| *i >= 0) else {
                return Some(Problem {
                    at: index,
                    message: "the index of Fn::Select must be a number from 0".to_string(),
                    highlight: None,
                });
            };
            match items?[1].as_array() {
                Some(list) if i as usize >= list.len() => Some(Problem {
                    at: index,
                    message: format!(
                        "Fn::Select index {i} is out of range for a list of {}",
                        list.len()
                    ),
                    highlight: None,
                }),
                _ => None,
            }
        }
        "Fn::If" => {
            if len != 3 || !items?[0].is_string() {
                return whole("[condition name, value if true, value if false]");
            }
            None
        }
        "Fn::Sub" => {
            let text = match v {
                Value::String(_) => args.clone(),
                Value::Array(items)
                    if items.len() == 2
                        && items[0].is_string()
                        && items[1].is_object()
                        && !is_call(&items[1]) =>
                {
                    item(0)
                }
                _ => return whole("a string, or [string, {variables}]"),
            };
            let s = text.as_str().unwrap_or_default();
            let mut offset = 0;
            while let Some(found) = s[offset..].find("${") {
                let start = offset + found;
                let after = &s[start + 2..];
                match after.find('}') {
                    None => {
                        return Some(Problem {
                            at: text,
                            message: "Fn::Sub has a `${` that is never closed".to_string(),
                            highlight: Some(s[start..].to_string()),
                        });
                    }
                    Some(0) => {
                        return Some(Problem {
                            at: text,
                            message: "Fn::Sub has an empty `${}` placeholder".to_string(),
                            highlight: Some("${}".to_string()),
                        });
                    }
                    Some(end) => offset = start + 2 + end + 1,
                }
            }
            None
        }
        "Fn::FindInMap" => {
            let default_ok = extensions
                && len == 4
                && items?[3]
                    .as_object()
                    .is_some_and(|m| m.len() == 1 && m.contains_key("DefaultValue"));
            if !(len == 3 || default_ok) || !items?[..3].iter().all(scalar_like) {
                return whole("[map name, top-level key, second-level key]");
            }
            None
        }
        "Fn::Base64" | "Fn::ImportValue" => {
            if !scalar_like(v) {
                return whole("a string");
            }
            None
        }
        "Fn::GetAZs" => {
            if !(v.is_string() || is_call(v)) {
                return whole("a region name (or \"\" for the stack's region)");
            }
            None
        }
        "Fn::Cidr" => {
            if len != 3 || !items?.iter().all(scalar_like) {
                return whole("[IP block, count, CIDR bits]");
            }
            None
        }
        "Fn::Equals" => {
            if len != 2 {
                return whole("two values to compare");
            }
            None
        }
        "Fn::Not" => {
            if len != 1 || !is_call(&items?[0]) {
                return whole("a list of one condition");
            }
            None
        }
        "Fn::And" | "Fn::Or" => {
            if !(2..=10).contains(&len) || !items?.iter().all(is_call) {
                return whole("a list of 2 to 10 conditions");
            }
            None
        }
        "Fn::Transform" => {
            if !v.get("Name").is_some_and(Value::is_string) {
                return whole("a mapping with a Name (and Parameters)");
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL009", "tests/fixtures/tpl009.yaml"));
    }

    #[test]
    fn json_long_form() {
        insta::assert_snapshot!(render_rule("TPL009", "tests/fixtures/tpl009.json"));
    }
}
