use preflight_policy::prelude::*;
use serde_json::Value;

use crate::{anchor, suggest};

declare_rule! {
    /// ## What it does
    /// Checks the template's top level: it has a `Resources` section with at least one
    /// resource; every top-level key is a section CloudFormation (or SAM) knows
    /// (`AWSTemplateFormatVersion`, `Description`, `Metadata`, `Parameters`, `Rules`,
    /// `Mappings`, `Conditions`, `Transform`, `Resources`, `Outputs`, `Hooks`, `Globals`);
    /// sections that hold named entries are mappings, not empty (`null`) or lists;
    /// `AWSTemplateFormatVersion` is `2010-09-09`; `Description` is a string of at most
    /// 1,024 bytes; `Transform` is a name or a list of names.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects such a template ("Template format error") before it creates
    /// or updates anything; a misspelt section such as `Output` is an error, not ignored.
    ///
    /// ## Example
    /// ```yaml
    /// AWSTemplateFormatVersion: "2010-09-09"
    /// Parameter:
    ///   Stage:
    ///     Type: String
    /// Resources:
    /// ```
    ///
    /// ## Fix
    /// Correct the section name, declare at least one resource, and remove empty sections.
    pub struct TemplateStructure {
        id: "TPL012",
        name: "template-structure",
        title: "The template has valid top-level sections and at least one resource",
        severity: High,
        equivalents: { "cfn-lint": ["E1001", "E1003", "E1004", "E1005"] },
    }
}

const SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Hooks",
    "Globals",
];

/// Sections of named entries (Outputs is TPL005's).
const MAPPINGS: &[&str] = &[
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Hooks",
    "Globals",
];

impl Rule for TemplateStructure {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let root = t.root();
        for (key, node) in root.entries() {
            if !SECTIONS.contains(&key) {
                let hint = suggest::did_you_mean(key, SECTIONS);
                anchor::at_key(
                    out,
                    &node,
                    key,
                    format!("`{key}` is not a template section{hint}"),
                );
            }
        }
        match t.section("Resources") {
            None => {
                out.add_at("", "the template has no Resources section");
            }
            Some(resources) => match resources.value() {
                Value::Object(map) if !map.is_empty() => {}
                Value::Object(_) | Value::Null => {
                    anchor::at_key(
                        out,
                        &resources,
                        "Resources",
                        "Resources declares no resource, but a template needs at least one"
                            .to_string(),
                    );
                }
                _ => {
                    anchor::at_key(
                        out,
                        &resources,
                        "Resources",
                        "Resources must be a mapping of logical ids to resources".to_string(),
                    );
                }
            },
        }
        for section in MAPPINGS {
            let Some(node) = t.section(section) else {
                continue;
            };
            let message = match node.value() {
                Value::Object(_) => continue,
                Value::Null => format!("{section} is empty (null), which CloudFormation rejects"),
                _ => format!("{section} must be a mapping"),
            };
            anchor::at_key(out, &node, section, message);
        }
        if let Some(version) = t.section("AWSTemplateFormatVersion")
            && version.as_str() != Some("2010-09-09")
        {
            anchor::value(
                out,
                &version,
                "AWSTemplateFormatVersion must be \"2010-09-09\", the only version there is"
                    .to_string(),
            );
        }
        if let Some(description) = t.section("Description") {
            match description.as_str() {
                None => {
                    anchor::at_key(
                        out,
                        &description,
                        "Description",
                        "Description must be a string".to_string(),
                    );
                }
                Some(text) if text.len() > 1024 => {
                    anchor::at_key(
                        out,
                        &description,
                        "Description",
                        format!(
                            "Description is {} bytes long, more than the 1,024 CloudFormation allows",
                            text.len()
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        if let Some(transform) = t.section("Transform") {
            let ok = match transform.value() {
                Value::String(_) => true,
                Value::Array(items) => items.iter().all(|i| i.is_string() || i.is_object()),
                // `Transform: {Name: ..., Parameters: ...}` for macros with parameters.
                Value::Object(map) => map.contains_key("Name"),
                _ => false,
            };
            if !ok {
                anchor::at_key(
                    out,
                    &transform,
                    "Transform",
                    "Transform must be a transform name or a list of them".to_string(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL012", "tests/fixtures/tpl012.yaml"));
    }

    #[test]
    fn no_resources_section() {
        insta::assert_snapshot!(render_rule("TPL012", "tests/fixtures/tpl012_empty.json"));
    }

    #[test]
    fn valid_template_passes() {
        insta::assert_snapshot!(render_rule("TPL012", "tests/fixtures/tpl012_valid.yaml"));
    }
}
