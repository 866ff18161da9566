use std::sync::OnceLock;

use preflight_policy::prelude::*;
use serde_json::Value;

use crate::{anchor, suggest};

declare_rule! {
    /// ## What it does
    /// Checks the SAM `Globals` section against what the SAM transform accepts (a data
    /// table in the policy, `src/data/sam_globals.json`): it is a mapping of resource kinds
    /// (`Function`, `Api`, `HttpApi`, `SimpleTable`, `StateMachine`, `LayerVersion`,
    /// `CapacityProvider`, `WebSocketApi`), each a mapping of the properties SAM lets
    /// `Globals` set. Properties such as `Role`, `Policies`, `Events` or `FunctionName`
    /// cannot be global.
    ///
    /// ## Why is this bad?
    /// The SAM transform rejects the whole template ("'Policies' is not a supported
    /// property of 'Function'"), so nothing is deployed.
    ///
    /// ## Example
    /// ```yaml
    /// Globals:
    ///   Function:
    ///     Runtime: python3.13
    ///     Policies: AWSLambdaBasicExecutionRole
    ///   Functions:
    ///     Timeout: 10
    /// ```
    ///
    /// ## Fix
    /// Move the property into each resource's `Properties`, or correct the section name.
    pub struct SamGlobalsValid {
        id: "TPL013",
        name: "sam-globals-valid",
        title: "SAM Globals set only properties SAM supports there",
        severity: High,
    }
}

fn supported() -> &'static Vec<(String, Vec<String>)> {
    static TABLE: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let data: Value = serde_json::from_str(include_str!("../data/sam_globals.json"))
            .expect("sam_globals.json is valid JSON");
        data["sections"]
            .as_object()
            .expect("sam_globals.json has sections")
            .iter()
            .map(|(section, props)| {
                let props = props
                    .as_array()
                    .expect("a list of properties")
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect();
                (section.clone(), props)
            })
            .collect()
    })
}

impl Rule for SamGlobalsValid {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        // Without the transform, TPL010 reports the Globals section itself.
        cx.template.is_sam() && cx.template.section("Globals").is_some()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let Some(globals) = cx.template.section("Globals") else {
            return;
        };
        if !globals.is_object() {
            return; // TPL012 reports a Globals section that is not a mapping.
        }
        let table = supported();
        let sections: Vec<&str> = table.iter().map(|(s, _)| s.as_str()).collect();
        for (section, node) in globals.entries() {
            let Some((_, props)) = table.iter().find(|(s, _)| s == section) else {
                let hint = suggest::did_you_mean(section, &sections);
                anchor::at_key(
                    out,
                    &node,
                    section,
                    format!("Globals cannot configure `{section}`{hint}"),
                );
                continue;
            };
            if !node.is_object() {
                anchor::at_key(
                    out,
                    &node,
                    section,
                    format!("Globals.{section} must be a mapping of properties"),
                );
                continue;
            }
            let names: Vec<&str> = props.iter().map(String::as_str).collect();
            for (key, value) in node.entries() {
                if !names.contains(&key) {
                    let hint = suggest::did_you_mean(key, &names);
                    anchor::at_key(
                        out,
                        &value,
                        key,
                        format!("SAM does not support `{key}` in Globals.{section}{hint}"),
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
        insta::assert_snapshot!(render_rule("TPL013", "tests/fixtures/tpl013.yaml"));
    }
}
