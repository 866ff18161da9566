use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that WAF classic web ACLs do not set `DefaultAction.Type: ALLOW`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// With a default of ALLOW, the ACL only blocks what its rules foresee; a
    /// deny-by-default ACL only lets through what they allow.
    ///
    /// ## Example
    /// ```yaml
    /// Acl:
    ///   Type: AWS::WAF::WebACL
    ///   Properties:
    ///     Name: acl
    ///     MetricName: acl
    ///     DefaultAction:
    ///       Type: ALLOW
    /// ```
    ///
    /// ## Fix
    /// Set `DefaultAction: {Type: BLOCK}` and allow known traffic with rules (or move
    /// to WAFv2).
    pub struct WafDefaultAllow {
        id: "SEC093",
        name: "waf-default-allow",
        title: "WAF classic web ACLs do not allow by default",
        severity: Medium,
        resource_types: [
            "AWS::WAF::WebACL",
        ],
        equivalents: { "cfn_nag": ["F665"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::WAF::WebACL"],
    path: "DefaultAction/Type",
    expect: Expect::NoneOf(&["ALLOW"]),
    what: "every request no rule matches is let through",
}];

impl Rule for WafDefaultAllow {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC093", "tests/fixtures/sec093.yaml"));
    }
}
