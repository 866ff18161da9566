use preflight_policy::prelude::*;

use crate::support::nacl_entries;

declare_rule! {
    /// ## What it does
    /// Checks network ACL entries that allow traffic (`RuleAction: allow`), as cfn_nag's W66
    /// does: their `Protocol` must be 6 (TCP), 17 (UDP), 1 (ICMP), or 58 (ICMPv6) with an
    /// `Ipv6CidrBlock` and an `Icmp` `Type` and `Code`. `-1` (every protocol) and other numbers
    /// are reported. Deny entries pass.
    ///
    /// ## Why is this bad?
    /// An allow entry for every protocol opens all ports of all protocols to its range;
    /// ICMPv6 without a type and code allows all of it.
    ///
    /// ## Example
    /// ```yaml
    /// AllowAll:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref Acl
    ///     RuleNumber: 100
    ///     Protocol: -1
    ///     RuleAction: allow
    ///     CidrBlock: 10.0.0.0/8
    /// ```
    ///
    /// ## Fix
    /// Allow TCP or UDP with a `PortRange`, or ICMP with a type and code.
    pub struct NetworkAclEntryProtocol {
        id: "SEC134",
        name: "network-acl-entry-protocol",
        title: "Network ACL allow entries name TCP, UDP or ICMP",
        severity: Low,
        resource_types: [
            "AWS::EC2::NetworkAclEntry",
        ],
        equivalents: { "cfn_nag": ["W66"] },
    }
}

impl Rule for NetworkAclEntryProtocol {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for e in nacl_entries(&cx.template) {
            if e.action.as_deref() != Some("allow") {
                continue;
            }
            let Some(protocol) = e.protocol.as_deref() else {
                continue;
            };
            if matches!(protocol, "1" | "6" | "17") {
                continue;
            }
            let icmp = e.get("Icmp");
            let icmpv6 = protocol == "58"
                && e.ipv6_cidr.is_some()
                && icmp
                    .as_ref()
                    .is_some_and(|i| i.get("Code").is_some() && i.get("Type").is_some());
            if icmpv6 {
                continue;
            }
            let at = e.get("Protocol").unwrap_or_else(|| e.resource.node.clone());
            let what = if protocol == "-1" {
                "every protocol (`-1`)".to_string()
            } else if protocol == "58" {
                "ICMPv6 without an IPv6 range, type and code".to_string()
            } else {
                format!("protocol {protocol}")
            };
            out.add(
                &at,
                format!(
                    "network ACL entry `{}` allows {what}, not TCP, UDP or ICMP",
                    e.resource.id
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC134", "tests/fixtures/sec134.yaml"));
    }
}
