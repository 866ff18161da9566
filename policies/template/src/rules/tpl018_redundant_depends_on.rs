use std::collections::HashSet;

use preflight_policy::prelude::*;
use preflight_policy::references;

use crate::{anchor, sam};

declare_rule! {
    /// ## What it does
    /// Reports a `DependsOn` entry naming a resource that the resource already refers to
    /// with `Ref`, `Fn::GetAtt` or a `Fn::Sub` placeholder in its properties: the reference
    /// already makes CloudFormation wait for it. References in a SAM function's `Events`
    /// do not count (the transform moves them into resources of their own).
    ///
    /// ## Why is this bad?
    /// It is harmless to deploy, but it is noise that hides the `DependsOn` entries that
    /// matter, and it stays behind (keeping a dependency) when the reference is removed.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Subscription:
    ///     Type: AWS::SNS::Subscription
    ///     DependsOn: Topic
    ///     Properties:
    ///       TopicArn: !Ref Topic
    /// ```
    ///
    /// ## Fix
    /// Remove the entry.
    pub struct RedundantDependsOn {
        id: "TPL018",
        name: "redundant-depends-on",
        title: "DependsOn does not repeat dependencies that references already make",
        severity: Info,
        equivalents: { "cfn-lint": ["W3005"] },
    }
}

impl Rule for RedundantDependsOn {
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
            // References in Properties, except those SAM moves into resources of their
            // own (a function's Events): those do not make the resource wait.
            let Some(properties) = r.properties() else {
                continue;
            };
            let detached = sam::detached_properties(r.ty);
            let referenced: HashSet<String> = properties
                .entries()
                .filter(|(k, _)| !detached.contains(k))
                .flat_map(|(_, v)| references(v.value(), v.pointer()))
                .map(|reference| reference.target)
                .filter(|target| t.has_resource(target))
                .collect();
            for item in depends_on.one_or_many() {
                if let Some(target) = item.as_str()
                    && referenced.contains(target)
                {
                    anchor::value(
                        out,
                        &item,
                        format!(
                            "`{}` already refers to `{target}`, so this DependsOn entry is redundant",
                            r.id
                        ),
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
        insta::assert_snapshot!(render_rule("TPL018", "tests/fixtures/tpl018.yaml"));
    }
}
