use preflight_policy::prelude::*;

use crate::support::{lit, nacl_entries};

declare_rule! {
    /// ## What it does
    /// Checks TCP and UDP network ACL entries (`Protocol` 6 or 17), as cfn_nag's W67 does: a
    /// `PortRange` without `From` or `To`, or one from 0 to 65535, covers every port.
    ///
    /// ## Why is this bad?
    /// An entry for every port opens (or closes) all services at once; ACL entries are
    /// meant to name the ports each subnet serves.
    ///
    /// ## Example
    /// ```yaml
    /// Entry:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref Acl
    ///     RuleNumber: 100
    ///     Protocol: 6
    ///     RuleAction: allow
    ///     CidrBlock: 10.0.0.0/8
    ///     PortRange: {From: 0, To: 65535}
    /// ```
    ///
    /// ## Fix
    /// Give the ports the subnet serves (`PortRange: {From: 443, To: 443}`).
    pub struct NetworkAclEntryAllPorts {
        id: "SEC135",
        name: "network-acl-entry-all-ports",
        title: "Network ACL TCP and UDP entries name their ports",
        severity: Low,
        resource_types: [
            "AWS::EC2::NetworkAclEntry",
        ],
        equivalents: { "cfn_nag": ["W67"] },
    }
}

impl Rule for NetworkAclEntryAllPorts {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for e in nacl_entries(&t) {
            if !matches!(e.protocol.as_deref(), Some("6" | "17")) {
                continue;
            }
            let range = e.get("PortRange");
            let port = |k: &str| {
                range
                    .as_ref()
                    .and_then(|r| r.get(k))
                    .filter(|n| !n.value().is_null())
            };
            let (from, to) = (port("From"), port("To"));
            let why = match (&from, &to) {
                (None, _) | (_, None) => "sets no complete `PortRange`",
                (Some(f), Some(t2)) => {
                    let (f, t2) = (lit(&t, f), lit(&t, t2));
                    if f.as_deref() == Some("0") && t2.as_deref() == Some("65535") {
                        "covers ports 0-65535"
                    } else {
                        continue;
                    }
                }
            };
            let at = range.clone().unwrap_or_else(|| {
                e.resource
                    .properties()
                    .unwrap_or_else(|| e.resource.node.clone())
            });
            out.add(
                &at,
                format!(
                    "TCP/UDP network ACL entry `{}` {why}: every port",
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
        insta::assert_snapshot!(render_rule("SEC135", "tests/fixtures/sec135.yaml"));
    }
}
