use preflight_policy::prelude::*;

use crate::support::{entries_by_acl, nacl_entries};

declare_rule! {
    /// ## What it does
    /// Checks the entries of each `AWS::EC2::NetworkAcl` of the template (entries that
    /// name it by `Ref` or `Fn::GetAtt` in `NetworkAclId`), as cfn_nag's F79 does: two egress
    /// entries, or two ingress entries, must not share a `RuleNumber`.
    ///
    /// ## Why is this bad?
    /// A network ACL evaluates its rules in number order; a repeated number makes the
    /// order, and so what is allowed, ambiguous, and CloudFormation fails the second entry at
    /// deploy time.
    ///
    /// ## Example
    /// ```yaml
    /// AllowHttps:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref Acl
    ///     RuleNumber: 100
    ///     Protocol: 6
    ///     RuleAction: allow
    ///     CidrBlock: 0.0.0.0/0
    ///     PortRange: {From: 443, To: 443}
    /// DenyAll:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref Acl
    ///     RuleNumber: 100
    ///     Protocol: -1
    ///     RuleAction: deny
    ///     CidrBlock: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Give each entry of one direction its own `RuleNumber`, in the order they should apply.
    pub struct NetworkAclDuplicateRuleNumber {
        id: "SEC114",
        name: "network-acl-duplicate-rule-number",
        title: "Network ACL rule numbers are unique per direction",
        severity: Medium,
        resource_types: [
            "AWS::EC2::NetworkAclEntry",
        ],
        equivalents: { "cfn_nag": ["F79"] },
    }
}

impl Rule for NetworkAclDuplicateRuleNumber {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let entries = nacl_entries(&cx.template);
        for (acl, mine) in entries_by_acl(&cx.template, &entries) {
            for (egress, direction) in [(true, "egress"), (false, "ingress")] {
                let side: Vec<_> = mine
                    .iter()
                    .filter(|e| if egress { e.egress } else { e.ingress })
                    .collect();
                for e in &side {
                    let Some(number) = &e.rule_number else {
                        continue;
                    };
                    let others: Vec<&str> = side
                        .iter()
                        .filter(|o| {
                            o.resource.id != e.resource.id && o.rule_number.as_ref() == Some(number)
                        })
                        .map(|o| o.resource.id)
                        .collect();
                    if let (Some(other), Some(at)) = (others.first(), e.get("RuleNumber")) {
                        out.add(
                            &at,
                            format!(
                                "{direction} entry `{}` of network ACL `{acl}` repeats rule number {number} (also `{other}`)",
                                e.resource.id
                            ),
                        );
                    }
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
        insta::assert_snapshot!(render_rule("SEC114", "tests/fixtures/sec114.yaml"));
    }
}
