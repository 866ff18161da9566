use preflight_policy::prelude::*;

use crate::support::{entries_by_acl, nacl_entries};

declare_rule! {
    /// ## What it does
    /// Checks the deny entries (`RuleAction: deny`) of each `AWS::EC2::NetworkAcl` of the
    /// template, as cfn_nag's W71 does: a `CidrBlock` other than `0.0.0.0/0`, or an
    /// `Ipv6CidrBlock` other than `::/0`, denies only part of the address space.
    ///
    /// ## Why is this bad?
    /// Deny entries in network ACLs are usually meant as a catch-all; a partial range lets
    /// the rest of the internet through to the next rule, which is easy to miss.
    ///
    /// ## Example
    /// ```yaml
    /// DenyPart:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref Acl
    ///     RuleNumber: 200
    ///     Protocol: -1
    ///     RuleAction: deny
    ///     CidrBlock: 10.0.0.0/8
    /// ```
    ///
    /// ## Fix
    /// Deny `0.0.0.0/0` (and `::/0`) after the allow entries, or block specific sources with
    /// allow-list entries instead.
    pub struct NetworkAclIneffectiveDeny {
        id: "SEC136",
        name: "network-acl-ineffective-deny",
        title: "Network ACL deny entries cover every address",
        severity: Low,
        resource_types: [
            "AWS::EC2::NetworkAclEntry",
        ],
        equivalents: { "cfn_nag": ["W71"] },
    }
}

impl Rule for NetworkAclIneffectiveDeny {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let entries = nacl_entries(&cx.template);
        for (acl, mine) in entries_by_acl(&cx.template, &entries) {
            for e in mine {
                if !(e.egress || e.ingress) || e.action.as_deref() != Some("deny") {
                    continue;
                }
                let partial = |c: &Option<String>, world: &[&str]| {
                    c.as_deref()
                        .is_some_and(|c| !c.is_empty() && !world.contains(&c))
                };
                let (key, cidr) = if partial(&e.cidr, &["0.0.0.0/0"]) {
                    ("CidrBlock", e.cidr.clone())
                } else if partial(&e.ipv6_cidr, &["::/0", ":/0"]) {
                    ("Ipv6CidrBlock", e.ipv6_cidr.clone())
                } else {
                    continue;
                };
                let at = e.get(key).unwrap_or_else(|| e.resource.node.clone());
                out.add(
                    &at,
                    format!(
                        "deny entry `{}` of network ACL `{acl}` covers only `{}`",
                        e.resource.id,
                        cidr.unwrap_or_default()
                    ),
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
        insta::assert_snapshot!(render_rule("SEC136", "tests/fixtures/sec136.yaml"));
    }
}
