//! Security group rules: inline on `AWS::EC2::SecurityGroup`, or standalone
//! `AWS::EC2::SecurityGroupIngress` / `AWS::EC2::SecurityGroupEgress`.

use serde::Serialize;
use serde_json::Value;

use crate::template::Resource;

use super::defaults::literal_string;
use super::render::{child, is_no_value, items, render};
use super::{Branch, Model};

/// Which way a rule lets traffic through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Inbound.
    Ingress,
    /// Outbound.
    Egress,
}

/// The other side of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Peer {
    /// An IPv4 or IPv6 range (`CidrIp`, `CidrIpv6`).
    CidrIp {
        /// The range, rendered.
        ip: String,
    },
    /// Another security group (`SourceSecurityGroupId`, `SourceSecurityGroupName`,
    /// `DestinationSecurityGroupId`).
    SecurityGroup {
        /// The group, rendered.
        #[serde(rename = "securityGroupId")]
        security_group_id: String,
    },
    /// A managed prefix list (`SourcePrefixListId`, `DestinationPrefixListId`).
    PrefixList {
        /// The prefix list, rendered.
        #[serde(rename = "prefixListId")]
        prefix_list_id: String,
    },
    /// None given.
    Unknown,
}

/// One security group rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkRule {
    /// Logical id of the resource that declares the rule.
    pub owner: String,
    /// The owner's type.
    pub owner_type: String,
    /// The group the rule belongs to: `${Sg.GroupId}` for inline rules, the rendered
    /// `GroupId` (or `GroupName`) of a standalone rule.
    pub group: String,
    /// Inbound or outbound.
    pub direction: Direction,
    /// `IpProtocol`, normalised: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all), another
    /// protocol number, or a rendered intrinsic; `?` when missing.
    pub protocol: String,
    /// `FromPort` (or ICMP type), rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<String>,
    /// `ToPort` (or ICMP code), rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<String>,
    /// The other side, as written (intrinsics rendered).
    pub peer: Peer,
    /// JSON pointer of the peer's value (`CidrIp`, `CidrIpv6`, `SourceSecurityGroupId`,
    /// ...); the rule's own pointer when it names no peer.
    pub peer_pointer: String,
    /// For a [`Peer::CidrIp`] written as an intrinsic: the range it takes if deployed
    /// with defaults (a `Ref` to a parameter with a `Default`, an `Fn::FindInMap` with
    /// literal keys; see [`with_defaults`](super::with_defaults)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_cidr: Option<ResolvedCidr>,
    /// JSON pointer of the rule.
    pub pointer: String,
    /// The `Fn::If` branches under which the rule exists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Branch>,
}

/// The range a CIDR peer written as an intrinsic takes if deployed with defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedCidr {
    /// The range, e.g. `0.0.0.0/0`.
    pub cidr: String,
    /// The parameter whose `Default` it is (`None`: found in `Mappings`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

/// Whether a CIDR covers every address: its prefix length is 0 (`0.0.0.0/0`, `::/0`,
/// `0000::/0`, `0:0:0:0:0:0:0:0/0`, ...), whatever the address part.
pub fn is_world_cidr(cidr: &str) -> bool {
    cidr.trim()
        .rsplit_once('/')
        .is_some_and(|(_, len)| len.parse::<u8>() == Ok(0))
}

impl NetworkRule {
    /// The peer's range if deployed with defaults: what an intrinsic in `CidrIp` /
    /// `CidrIpv6` resolves to ([`NetworkRule::resolved_cidr`]), else the range as
    /// written (intrinsics rendered, e.g. `${AllowedCidr}`). `None` for other peers.
    pub fn cidr(&self) -> Option<&str> {
        match (&self.peer, &self.resolved_cidr) {
            (_, Some(resolved)) => Some(&resolved.cidr),
            (Peer::CidrIp { ip }, None) => Some(ip.trim()),
            _ => None,
        }
    }

    /// The peer's range when it is the whole internet (see [`is_world_cidr`]), if
    /// deployed with defaults. A range built with `Fn::Sub` or `Fn::Join` whose prefix
    /// length is a literal 0 (`${Base}/0`) counts too.
    pub fn world_cidr(&self) -> Option<&str> {
        self.cidr().filter(|c| is_world_cidr(c))
    }

    /// Whether the peer is the whole internet if deployed with defaults: a range with
    /// prefix length 0 (`0.0.0.0/0`, `::/0`, `0000::/0`, ...), written as a literal, or
    /// as a `Ref` to a parameter whose `Default` is one, or as an `Fn::FindInMap` with
    /// literal keys that finds one.
    pub fn is_open_to_world(&self) -> bool {
        self.world_cidr().is_some()
    }

    /// The parameter whose `Default` gives the peer's range, when it comes from one.
    pub fn cidr_parameter(&self) -> Option<&str> {
        self.resolved_cidr.as_ref()?.parameter.as_deref()
    }

    /// Whether the rule covers every protocol (`-1`).
    pub fn all_protocols(&self) -> bool {
        self.protocol == "-1"
    }

    /// The port range as numbers: every port for `-1` and for a `FromPort` of `-1`;
    /// `None` when a port is symbolic or missing on a TCP/UDP rule.
    pub fn port_range(&self) -> Option<(i64, i64)> {
        if self.all_protocols() {
            return Some((0, 65535));
        }
        let parse = |p: &Option<String>| p.as_deref().and_then(|s| s.trim().parse::<i64>().ok());
        match (parse(&self.from_port), parse(&self.to_port)) {
            (Some(-1), _) => Some((0, 65535)),
            (Some(from), Some(to)) => Some((from, to)),
            (Some(from), None) => Some((from, from)),
            _ => None,
        }
    }

    /// Whether the rule lets `port` through (`None`: cannot tell, ports are symbolic).
    /// Not meaningful for ICMP, whose "ports" are types and codes.
    pub fn covers_port(&self, port: i64) -> Option<bool> {
        self.port_range()
            .map(|(from, to)| from <= port && port <= to)
    }

    /// The protocol as `cdk diff` describes it: `Everything`, `All TCP`, `TCP 80`,
    /// `TCP 80-90`.
    pub fn describe_protocol(&self) -> String {
        if self.all_protocols() {
            return "Everything".to_string();
        }
        let proto = self.protocol.to_uppercase();
        match (self.from_port.as_deref(), self.to_port.as_deref()) {
            (Some("-1"), _) => format!("All {proto}"),
            (Some(from), Some(to)) if from == to => format!("{proto} {from}"),
            (Some(from), Some(to)) => format!("{proto} {from}-{to}"),
            (Some(from), None) => format!("{proto} {from}"),
            _ => proto,
        }
    }

    /// The peer as `cdk diff` describes it: `Everyone (IPv4)`, `Everyone (IPv6)`, the
    /// range, group or prefix list, or `?`.
    pub fn describe_peer(&self) -> String {
        match &self.peer {
            Peer::CidrIp { ip } if ip == "0.0.0.0/0" => "Everyone (IPv4)".to_string(),
            Peer::CidrIp { ip } if ip == "::/0" => "Everyone (IPv6)".to_string(),
            Peer::CidrIp { ip } => ip.clone(),
            Peer::SecurityGroup { security_group_id } => security_group_id.clone(),
            Peer::PrefixList { prefix_list_id } => prefix_list_id.clone(),
            Peer::Unknown => "?".to_string(),
        }
    }
}

fn protocol(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "?".to_string();
    };
    let rendered = render(value).to_ascii_lowercase();
    match rendered.as_str() {
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        _ => rendered,
    }
}

fn read_rule(
    owner: &Resource<'_>,
    group: String,
    direction: Direction,
    rule: &Value,
    pointer: String,
    when: Vec<Branch>,
) -> Option<NetworkRule> {
    let map = rule.as_object()?;
    let get = |k: &str| map.get(k).filter(|v| !is_no_value(v));
    let port = |k: &str| get(k).map(render);
    let mut peer_pointer = pointer.clone();
    let mut first = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            get(k).map(|v| {
                peer_pointer = child(&pointer, k);
                (render(v), v)
            })
        })
    };
    let mut resolved_cidr = None;
    let peer = if let Some((ip, value)) = first(&["CidrIp", "CidrIpv6"]) {
        if !value.is_string() {
            resolved_cidr =
                literal_string(&owner.template(), value).map(|(cidr, parameter)| ResolvedCidr {
                    cidr: cidr.trim().to_string(),
                    parameter: parameter.map(str::to_string),
                });
        }
        Peer::CidrIp { ip }
    } else if let Some((id, _)) = first(&[
        "SourceSecurityGroupId",
        "DestinationSecurityGroupId",
        "SourceSecurityGroupName",
    ]) {
        Peer::SecurityGroup {
            security_group_id: id,
        }
    } else if let Some((id, _)) = first(&["SourcePrefixListId", "DestinationPrefixListId"]) {
        Peer::PrefixList { prefix_list_id: id }
    } else {
        Peer::Unknown
    };
    Some(NetworkRule {
        owner: owner.id.to_string(),
        owner_type: owner.ty.to_string(),
        group,
        direction,
        protocol: protocol(get("IpProtocol")),
        from_port: port("FromPort"),
        to_port: port("ToPort"),
        peer,
        peer_pointer,
        resolved_cidr,
        pointer,
        when,
    })
}

pub(crate) fn collect(resource: &Resource<'_>, model: &mut Model) {
    let Some(props) = resource.properties() else {
        return;
    };
    let props_ptr = props.pointer().to_string();
    match resource.ty {
        "AWS::EC2::SecurityGroup" => {
            let group = format!("${{{}.GroupId}}", resource.id);
            for (key, direction) in [
                ("SecurityGroupIngress", Direction::Ingress),
                ("SecurityGroupEgress", Direction::Egress),
            ] {
                let Some(list) = props.value().get(key) else {
                    continue;
                };
                for alt in items(list, &child(&props_ptr, key), &[]) {
                    if let Some(rule) = read_rule(
                        resource,
                        group.clone(),
                        direction,
                        alt.value,
                        alt.pointer,
                        alt.when,
                    ) {
                        model.network_rules.push(rule);
                    }
                }
            }
        }
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            let direction = if resource.ty.ends_with("Ingress") {
                Direction::Ingress
            } else {
                Direction::Egress
            };
            let p = props.value();
            let group = ["GroupId", "GroupName"]
                .iter()
                .find_map(|k| p.get(*k).filter(|v| !is_no_value(v)).map(render))
                .unwrap_or_else(|| "?".to_string());
            if let Some(rule) = read_rule(resource, group, direction, p, props_ptr, Vec::new()) {
                model.network_rules.push(rule);
            }
        }
        _ => {}
    }
}
