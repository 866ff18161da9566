use preflight_policy::prelude::*;

use crate::{anchor, sam};

declare_rule! {
    /// ## What it does
    /// Checks that every `DependsOn` entry, in its string or list form, names another
    /// resource of the template, or a resource the SAM transform generates (such as
    /// `MyFunctionRole` or `ServerlessRestApi`).
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Unresolved resource dependencies") when a
    /// `DependsOn` entry names nothing, a parameter, or the resource itself.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Queue:
    ///     Type: AWS::SQS::Queue
    ///     DependsOn: [Tabel, Queue]
    /// ```
    ///
    /// ## Fix
    /// Correct the logical id, or remove the entry.
    pub struct DependsOnTargetExists {
        id: "TPL002",
        name: "depends-on-target-exists",
        title: "DependsOn names existing resources other than itself",
        severity: High,
        equivalents: { "cfn-lint": ["E3005"] },
    }
}

impl Rule for DependsOnTargetExists {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        cx.template
            .resources()
            .any(|r| r.attribute("DependsOn").is_some())
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources() {
            let Some(depends_on) = r.attribute("DependsOn") else {
                continue;
            };
            if depends_on.is_object() || depends_on.value().is_null() {
                out.add(
                    &depends_on,
                    format!(
                        "DependsOn of `{}` must be a logical id or a list of logical ids",
                        r.id
                    ),
                );
                continue;
            }
            for item in depends_on.one_or_many() {
                let Some(target) = item.as_str() else {
                    out.add(
                        &item,
                        format!(
                            "DependsOn of `{}` lists a value that is not a logical id",
                            r.id
                        ),
                    );
                    continue;
                };
                let message = if target == r.id {
                    format!("resource `{}` depends on itself", r.id)
                } else if t.has_resource(target) || sam::generated(&t, target) {
                    continue;
                } else if t.has_parameter(target) {
                    format!(
                        "DependsOn of `{}` names parameter `{target}`, but needs a resource",
                        r.id
                    )
                } else {
                    let why = sam::implicit_api_hint(target).unwrap_or("which is not a resource");
                    format!("DependsOn of `{}` names `{target}`, {why}", r.id)
                };
                anchor::value(out, &item, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL002", "tests/fixtures/tpl002.yaml"));
    }

    #[test]
    fn snapshot_json() {
        insta::assert_snapshot!(render_rule("TPL002", "tests/fixtures/tpl002_json.json"));
    }
}
