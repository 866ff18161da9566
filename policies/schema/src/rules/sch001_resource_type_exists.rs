use preflight_policy::prelude::*;

use crate::analysis;
use crate::data::{self, Lookup};

declare_rule! {
    /// ## What it does
    /// Checks that every resource type exists (a CloudFormation resource provider or a
    /// SAM type), and that it is available in the region the stack is deployed to (the
    /// `region` setting: `--region`, `[sam] region`, samconfig.toml, `AWS_REGION`, else
    /// `us-east-1`). Custom resources (`Custom::*`) and modules are left alone.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Unrecognized resource types") before it
    /// creates anything, or, for a type that exists elsewhere, in the region where it is
    /// missing.
    ///
    /// ## Example
    /// ```yaml
    /// Queue:
    ///   Type: AWS::SQS::Queu
    /// ```
    ///
    /// ## Fix
    /// Correct the type name (`AWS::SQS::Queue`), or deploy to a region that has it.
    pub struct ResourceTypeExists {
        id: "SCH001",
        name: "resource-type-exists",
        title: "Resource types exist in the region",
        severity: High,
        equivalents: { "cfn-lint": ["E3006", "E3001"], "cloudformation-validate": ["E3006"] },
    }
}

impl Rule for ResourceTypeExists {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let (region_name, region) = analysis::region(cx);
        if let Some(asked) = cx
            .settings
            .get("region")
            .and_then(serde_json::Value::as_str)
            && asked != region_name
        {
            out.add_at(
                "",
                format!(
                    "region `{asked}` is not a region the resource schemas know; resource types were checked for {region_name}"
                ),
            )
            .severity(Severity::Medium);
        }
        for r in cx.template.resources() {
            let Some(ty) = crate::normalize_type(r.ty) else {
                continue;
            };
            let Some(at) = r.attribute("Type") else {
                continue;
            };
            match data::resource(ty, region) {
                Lookup::Found(_) => {}
                Lookup::NotInRegion(regions) => {
                    let some: Vec<&str> = regions.iter().take(4).map(String::as_str).collect();
                    let more = if regions.len() > 4 { ", ..." } else { "" };
                    out.add(
                        &at,
                        format!(
                            "resource type `{ty}` is not available in {region_name} (it is in {} region{}: {}{more})",
                            regions.len(),
                            if regions.len() == 1 { "" } else { "s" },
                            some.join(", ")
                        ),
                    )
                    .highlight(ty);
                }
                Lookup::Unknown => {
                    let names = data::type_names();
                    let hint = crate::suggest(ty, names.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    out.add(&at, format!("resource type `{ty}` does not exist{hint}"))
                        .highlight(ty);
                }
            }
        }
    }

    fn applies(&self, cx: &Context, _: &preflight_policy::RuleMeta) -> bool {
        cx.template.resources().next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::test_support::{render_rule, render_rule_with};

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SCH001", "tests/fixtures/sch001.yaml"));
    }

    #[test]
    fn unknown_region_is_reported() {
        let out = render_rule_with(
            "SCH001",
            "tests/fixtures/sch001_region.yaml",
            json!({"region": "us-est-1"}),
        );
        assert!(out.contains("region `us-est-1` is not a region"), "{out}");
    }

    #[test]
    fn region_setting() {
        insta::assert_snapshot!(render_rule_with(
            "SCH001",
            "tests/fixtures/sch001_region.yaml",
            json!({"region": "ap-east-2"})
        ));
    }
}
