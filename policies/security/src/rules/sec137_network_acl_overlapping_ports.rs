use preflight_policy::prelude::*;

use crate::support::{NaclEntry, nacl_entries};
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks TCP and UDP network ACL entries with numeric ports, as cfn_nag's W72 does:
    /// entries of one ACL (equal `NetworkAclId`), one direction and one address family (IPv4 or
    /// IPv6) must not reuse or overlap port ranges.
    ///
    /// ## Why is this bad?
    /// Of two entries for the same ports, only the lower-numbered one ever matches; the
    /// other is dead, or worse, was meant to apply.
    ///
    /// ## Example
    /// ```yaml
    /// A:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref Acl
    ///     RuleNumber: 100
    ///     Protocol: 6
    ///     RuleAction: allow
    ///     CidrBlock: 10.0.0.0/8
    ///     PortRange: {From: 80, To: 443}
    /// B:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref Acl
    ///     RuleNumber: 110
    ///     Protocol: 6
    ///     RuleAction: deny
    ///     CidrBlock: 10.1.0.0/16
    ///     PortRange: {From: 443, To: 443}
    /// ```
    ///
    /// ## Fix
    /// Merge the entries, or give them ranges that do not overlap, in the order they should
    /// apply.
    pub struct NetworkAclOverlappingPorts {
        id: "SEC137",
        name: "network-acl-overlapping-ports",
        title: "Network ACL entries do not overlap in ports",
        severity: Low,
        resource_types: [
            "AWS::EC2::NetworkAclEntry",
        ],
        equivalents: { "cfn_nag": ["W72"] },
    }
}

/// A port as cfn_nag accepts one: a number, or a string that is a non-zero number.
fn port(t: &Template<'_>, e: &NaclEntry<'_>, key: &str) -> Option<i64> {
    let node = e.get("PortRange")?.get(key)?;
    let value = preflight_policy::permissions::with_defaults(t, node.value())?.value;
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok().filter(|p| *p != 0),
        _ => None,
    }
}

/// What entries must share to overlap: the ACL, the address family and the direction.
fn group<'e>(e: &NaclEntry<'e>) -> (Option<&'e Value>, bool, bool) {
    (e.acl_value, e.ipv6_cidr.is_some(), e.egress)
}

impl Rule for NetworkAclOverlappingPorts {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let entries = nacl_entries(&t);
        let ranged: Vec<(&NaclEntry<'_>, i64, i64)> = entries
            .iter()
            .filter(|e| matches!(e.protocol.as_deref(), Some("6" | "17")))
            .filter_map(|e| Some((e, port(&t, e, "From")?, port(&t, e, "To")?)))
            .collect();
        for (e, from, to) in &ranged {
            let other = ranged.iter().find(|(o, f, t2)| {
                o.resource.id != e.resource.id
                    && group(o) == group(e)
                    && ((from >= f && from <= t2)
                        || (to >= f && to <= t2)
                        || (f >= from && f <= to))
            });
            if let Some((o, f, t2)) = other {
                let at = e
                    .get("PortRange")
                    .unwrap_or_else(|| e.resource.node.clone());
                out.add(
                    &at,
                    format!(
                        "network ACL entry `{}` (ports {from}-{to}) overlaps `{}` (ports {f}-{t2}) in the same ACL and direction",
                        e.resource.id, o.resource.id
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
        insta::assert_snapshot!(render_rule("SEC137", "tests/fixtures/sec137.yaml"));
    }
}
