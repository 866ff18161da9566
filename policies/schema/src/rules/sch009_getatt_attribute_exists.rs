use preflight_policy::prelude::*;
use preflight_policy::{ReferenceKind, references};

use crate::analysis;
use crate::data::{self, Lookup};
use crate::schema::{getatt, getatt_names};

declare_rule! {
    /// ## What it does
    /// Checks that every `Fn::GetAtt` (and `${Resource.Attribute}` in `Fn::Sub`) names an
    /// attribute the resource's type has, from its schema (`readOnlyProperties`, as
    /// cfn-lint reads them), suggesting the closest one.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Template error: resource Table does not
    /// support attribute type StreamArnn in Fn::GetAtt").
    ///
    /// ## Example
    /// ```yaml
    /// Outputs:
    ///   Stream:
    ///     Value: !GetAtt Table.StreamArnn
    /// ```
    ///
    /// ## Fix
    /// Use an attribute the type has (`StreamArn`).
    pub struct GetAttAttributeExists {
        id: "SCH009",
        name: "getatt-attribute-exists",
        title: "Fn::GetAtt names an attribute the resource type has",
        severity: High,
        equivalents: { "cfn-lint": ["E1010"], "cloudformation-validate": ["E9004"] },
    }
}

impl Rule for GetAttAttributeExists {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let (_, region) = analysis::region(cx);
        let root = cx.template.root();
        for r in references(root.value(), "") {
            let (Some(attribute), ReferenceKind::GetAtt | ReferenceKind::Sub) =
                (r.attribute.as_deref(), r.kind)
            else {
                continue;
            };
            let Some(target) = cx.template.resource(&r.target) else {
                continue;
            };
            // SAM resources expand into several; their generated resources' attributes
            // are only known after the transform.
            if target.is_sam() {
                continue;
            }
            let Some(ty) = crate::normalize_type(target.ty) else {
                continue;
            };
            let Lookup::Found(schema) = data::resource(ty, region) else {
                continue;
            };
            if getatt(&schema, attribute).is_some() {
                continue;
            }
            let names = getatt_names(&schema);
            let hint = crate::suggest(attribute, names.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    if names.is_empty() {
                        "; it has no attributes".to_string()
                    } else if names.len() <= 12 {
                        format!("; it has `{}`", names.join("`, `"))
                    } else {
                        String::new()
                    }
                });
            let f = out.add_at(
                &r.pointer,
                format!("`{}` ({ty}) has no attribute `{attribute}`{hint}", r.target),
            );
            f.highlight(r.highlight.unwrap_or_else(|| attribute.to_string()));
        }
    }

    fn applies(&self, cx: &Context, _: &preflight_policy::RuleMeta) -> bool {
        cx.template.resources().next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SCH009", "tests/fixtures/sch009.yaml"));
    }
}
