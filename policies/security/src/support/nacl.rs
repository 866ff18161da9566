//! Network ACL entries (`AWS::EC2::NetworkAclEntry`) as cfn_nag's network ACL rules
//! (F79, W66, W67, W71, W72) read them: the ACL they belong to, direction, action,
//! protocol, ranges and ports, each value as deployed with parameter defaults.

use preflight_policy::{Node, Resource, Template};
use serde_json::Value;

use super::{lit, refers_to};

/// One network ACL entry.
pub struct NaclEntry<'a> {
    /// The entry.
    pub resource: Resource<'a>,
    /// The logical id of the ACL it names by `Ref` or `Fn::GetAtt`, if it names one.
    pub acl: Option<&'a str>,
    /// `NetworkAclId` as written (entries with equal values share an ACL).
    pub acl_value: Option<&'a Value>,
    /// `Egress: true` (cfn_nag's `truthy?`).
    pub egress: bool,
    /// `Egress` absent or `false` (cfn_nag's `not_truthy?`); an intrinsic is neither.
    pub ingress: bool,
    /// `RuleAction`, as deployed.
    pub action: Option<String>,
    /// `Protocol` as text (`6`, `-1`), as deployed; `None` when decided at deploy time
    /// or absent.
    pub protocol: Option<String>,
    /// `CidrBlock` as deployed (`Some("")` when written but decided at deploy time).
    pub cidr: Option<String>,
    /// `Ipv6CidrBlock`, likewise.
    pub ipv6_cidr: Option<String>,
    /// `RuleNumber` as text.
    pub rule_number: Option<String>,
}

impl<'a> NaclEntry<'a> {
    /// A property of the entry.
    pub fn get(&self, name: &str) -> Option<Node<'a>> {
        self.resource
            .property(name)
            .filter(|n| !n.value().is_null() && !super::is_no_value(n.value()))
    }
}

/// A property's text as deployed; `Some("")` when it is written but decided at deploy
/// time.
fn written<'a>(template: &Template<'a>, node: Option<Node<'a>>) -> Option<String> {
    let node = node?;
    Some(lit(template, &node).unwrap_or_default())
}

/// The network ACL entries of the template, in source order (entries whose `Properties`
/// is an intrinsic are left out: nothing about them is known).
pub fn nacl_entries<'a>(template: &Template<'a>) -> Vec<NaclEntry<'a>> {
    template
        .resources_of_type("AWS::EC2::NetworkAclEntry")
        .filter(|r| !super::opaque(r) && r.properties().is_some())
        .map(|resource| {
            let get = |k: &str| {
                resource
                    .property(k)
                    .filter(|n| !n.value().is_null() && !super::is_no_value(n.value()))
            };
            let acl_node = get("NetworkAclId");
            let egress_node = get("Egress");
            let egress_text = egress_node.as_ref().and_then(|n| lit(template, n));
            let protocol_node = get("Protocol");
            NaclEntry {
                acl: acl_node.as_ref().and_then(|n| refers_to(n.value())),
                acl_value: acl_node.as_ref().map(Node::value),
                egress: egress_text
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("true")),
                ingress: egress_node.is_none()
                    || egress_text
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("false")),
                action: get("RuleAction").and_then(|n| lit(template, &n)),
                protocol: protocol_node.and_then(|n| lit(template, &n)),
                cidr: written(template, get("CidrBlock")),
                ipv6_cidr: written(template, get("Ipv6CidrBlock")),
                rule_number: get("RuleNumber").and_then(|n| lit(template, &n)),
                resource,
            }
        })
        .collect()
}

/// The entries of each `AWS::EC2::NetworkAcl` of the template (by `Ref` or
/// `Fn::GetAtt`), as cfn-model attaches them: (ACL id, its entries).
pub fn entries_by_acl<'e, 'a>(
    template: &Template<'a>,
    entries: &'e [NaclEntry<'a>],
) -> Vec<(&'a str, Vec<&'e NaclEntry<'a>>)> {
    template
        .resources_of_type("AWS::EC2::NetworkAcl")
        .map(|acl| {
            let mine = entries.iter().filter(|e| e.acl == Some(acl.id)).collect();
            (acl.id, mine)
        })
        .collect()
}
