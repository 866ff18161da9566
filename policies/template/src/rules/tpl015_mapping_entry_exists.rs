use preflight_policy::prelude::*;
use serde_json::Value;

use crate::{sam, walk};

declare_rule! {
    /// ## What it does
    /// Checks every `Fn::FindInMap` whose names are literal: the mapping is declared in
    /// `Mappings`, it has the top-level key, and that entry has the second-level key. With
    /// the `AWS::LanguageExtensions` transform, a lookup that gives a `DefaultValue` may
    /// miss keys (but not the mapping). The rule does not apply when a macro other than SAM
    /// or `AWS::LanguageExtensions` may rewrite the template.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Mapping named X is not present", "Unable to
    /// get mapping for X::Y::Z") before it creates or updates anything.
    ///
    /// ## Example
    /// ```yaml
    /// Mappings:
    ///   Sizes:
    ///     prod: {Memory: 1024}
    /// Resources:
    ///   Fn:
    ///     Properties:
    ///       MemorySize: !FindInMap [Sizes, prod, memory]
    /// ```
    ///
    /// ## Fix
    /// Correct the names, or add the entry to the mapping.
    pub struct MappingEntryExists {
        id: "TPL015",
        name: "mapping-entry-exists",
        title: "Fn::FindInMap names a declared mapping and keys",
        severity: High,
        equivalents: { "cfn-lint": ["E1011"] },
    }
}

/// A literal key: a string, or a number (YAML keys such as `123`).
fn literal(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Rule for MappingEntryExists {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        !sam::has_foreign_transforms(cx)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let extensions = sam::has_language_extensions(&t);
        let mappings = t.section("Mappings");
        for section in ["Resources", "Outputs", "Conditions", "Globals"] {
            let Some(root) = t.section(section) else {
                continue;
            };
            for node in walk::nodes(root) {
                let Some(("Fn::FindInMap", args)) = walk::function_call(&node) else {
                    continue;
                };
                let items: Vec<Node> = args.items().collect();
                if items.len() < 3 {
                    continue; // TPL009 reports the shape.
                }
                let has_default = extensions
                    && items
                        .get(3)
                        .is_some_and(|d| d.value().get("DefaultValue").is_some());
                let Some(map_name) = literal(items[0].value()) else {
                    continue;
                };
                let Some(map) = mappings.as_ref().and_then(|m| m.value().get(&map_name)) else {
                    out.add(
                        &items[0],
                        format!("Fn::FindInMap names mapping `{map_name}`, which is not declared in Mappings"),
                    );
                    continue;
                };
                if has_default {
                    continue;
                }
                let Some(top) = literal(items[1].value()) else {
                    continue;
                };
                let Some(entry) = map.get(&top) else {
                    out.add(
                        &items[1],
                        format!("mapping `{map_name}` has no top-level key `{top}`"),
                    );
                    continue;
                };
                let Some(second) = literal(items[2].value()) else {
                    continue;
                };
                if entry.get(&second).is_none() {
                    out.add(
                        &items[2],
                        format!("mapping `{map_name}` has no key `{second}` under `{top}`"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL015", "tests/fixtures/tpl015.yaml"));
    }
}
