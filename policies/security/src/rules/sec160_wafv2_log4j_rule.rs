use preflight_policy::prelude::*;

use crate::support::{absent_at, lit};

declare_rule! {
    /// ## What it does
    /// Checks WAFv2 web ACLs for the `AWSManagedRulesKnownBadInputsRuleSet` managed rule group,
    /// with its `Log4JRCE` rule not excluded and no `OverrideAction` other than `None`, as
    /// checkov's CKV_AWS_192 does.
    ///
    /// ## Why is this bad?
    /// The known-bad-inputs group blocks the Log4j remote code execution (CVE-2021-44228)
    /// probes that still sweep the internet; excluded or counted only, it blocks nothing.
    ///
    /// ## Example
    /// ```yaml
    /// Acl:
    ///   Type: AWS::WAFv2::WebACL
    ///   Properties:
    ///     DefaultAction: {Allow: {}}
    ///     Scope: REGIONAL
    ///     Rules: []
    /// ```
    ///
    /// ## Fix
    /// Add a rule with `Statement.ManagedRuleGroupStatement: {VendorName: AWS, Name:
    /// AWSManagedRulesKnownBadInputsRuleSet}` and `OverrideAction: {None: {}}`.
    pub struct Wafv2Log4jRule {
        id: "SEC160",
        name: "wafv2-log4j-rule",
        title: "WAFv2 web ACLs block Log4Shell",
        severity: Medium,
        resource_types: [
            "AWS::WAFv2::WebACL",
        ],
        equivalents: { "checkov": ["CKV_AWS_192"] },
    }
}

const GROUP: &str = "AWSManagedRulesKnownBadInputsRuleSet";

impl Rule for Wafv2Log4jRule {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let rules = r.property("Rules");
            if rules.as_ref().is_some_and(|l| l.is_intrinsic()) {
                continue;
            }
            let group = rules.as_ref().and_then(|list| {
                list.one_or_many().into_iter().find(|rule| {
                    rule.path("Statement/ManagedRuleGroupStatement/Name")
                        .and_then(|n| lit(&t, &n))
                        .as_deref()
                        == Some(GROUP)
                })
            });
            let Some(group) = group else {
                let at = rules.unwrap_or_else(|| absent_at(&r));
                out.add(&at, format!("web ACL `{}` does not use `{GROUP}`, which blocks Log4Shell (CVE-2021-44228)", r.id));
                continue;
            };
            let excluded = group
                .path("Statement/ManagedRuleGroupStatement/ExcludedRules")
                .is_some_and(|list| {
                    list.one_or_many().iter().any(|e| {
                        e.get("Name")
                            .and_then(|n| n.as_str().map(str::to_string))
                            .as_deref()
                            == Some("Log4JRCE")
                    })
                });
            let overridden = group.get("OverrideAction").is_some_and(|a| {
                a.value()
                    .as_object()
                    .and_then(|m| m.keys().next())
                    .is_some_and(|k| k != "None")
            });
            if excluded {
                out.add(
                    &group,
                    format!(
                        "web ACL `{}` excludes the `Log4JRCE` rule of `{GROUP}`",
                        r.id
                    ),
                );
            } else if overridden {
                out.add(&group, format!("web ACL `{}` overrides the action of `{GROUP}`, so Log4Shell probes are counted, not blocked", r.id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC160", "tests/fixtures/sec160.yaml"));
    }
}
