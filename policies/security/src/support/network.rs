//! Security groups open to the world, as SEC014-SEC019 read them from the permission
//! model (whose [`NetworkRule::world_cidr`] sees a range with prefix length 0 in any
//! spelling, from `Mappings`, or as a parameter's default).

use preflight_policy::permissions::{Direction, NetworkRule};
use preflight_policy::{Context, Findings};

use super::{Say, model};

/// The port class a world-open ingress rule falls in; each rule goes to exactly one of
/// the security group rules SEC014-SEC018.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortClass {
    /// Every protocol, or every port of TCP/UDP.
    All,
    /// A range that includes one or more sensitive ports (SSH, RDP, databases).
    Sensitive,
    /// Anything else: other ports, ICMP, ports decided at deploy time.
    Other,
}

/// Database and cache ports worth a rule of their own: (port, what usually listens).
pub const DATABASE_PORTS: &[(i64, &str)] = &[
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2049, "NFS"),
    (2379, "etcd"),
    (3306, "MySQL/Aurora"),
    (5432, "PostgreSQL"),
    (5439, "Redshift"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (7000, "Cassandra"),
    (7199, "Cassandra JMX"),
    (8529, "ArangoDB"),
    (9042, "Cassandra"),
    (9092, "Kafka"),
    (9200, "Elasticsearch/OpenSearch"),
    (9300, "Elasticsearch/OpenSearch"),
    (11211, "Memcached"),
    (27017, "MongoDB/DocumentDB"),
    (27018, "MongoDB"),
    (50000, "DB2"),
];

/// Whether a rule's protocol carries ports (TCP, UDP, or every protocol).
pub fn has_ports(rule: &NetworkRule) -> bool {
    matches!(rule.protocol.as_str(), "tcp" | "udp" | "-1")
}

/// The numeric port range of a TCP/UDP (or all-protocol) rule.
pub fn ports(rule: &NetworkRule) -> Option<(i64, i64)> {
    if !has_ports(rule) {
        return None;
    }
    rule.port_range()
}

/// Which of SEC014-SEC018 a world-open ingress rule belongs to.
pub fn port_class(rule: &NetworkRule) -> PortClass {
    if rule.all_protocols() {
        return PortClass::All;
    }
    match ports(rule) {
        Some((from, to)) if from <= 1 && to >= 65535 => PortClass::All,
        Some((from, to)) => {
            let covers = |p: i64| from <= p && p <= to;
            if covers(22) || covers(3389) || DATABASE_PORTS.iter().any(|(p, _)| covers(*p)) {
                PortClass::Sensitive
            } else {
                PortClass::Other
            }
        }
        None => PortClass::Other,
    }
}

/// How a rule's protocol and ports read in a message: `TCP 22`, `TCP 20-30`, `all traffic`.
pub fn describe_ports(rule: &NetworkRule) -> String {
    if rule.all_protocols() {
        "all traffic".to_string()
    } else if matches!(rule.protocol.as_str(), "icmp" | "icmpv6") {
        let name = rule.protocol.to_uppercase();
        match rule.from_port.as_deref() {
            None | Some("-1") => format!("all {name}"),
            Some(ty) => format!("{name} type {ty}"),
        }
    } else {
        rule.describe_protocol()
    }
}

/// The security group a rule belongs to, as a phrase for messages.
pub fn group_phrase(rule: &NetworkRule) -> String {
    if rule.owner_type == "AWS::EC2::SecurityGroup" {
        format!("security group `{}`", rule.owner)
    } else {
        format!("rule `{}` (group `{}`)", rule.owner, rule.group)
    }
}

/// The world-open range of a rule as it reads in a message: `` `0.0.0.0/0` ``, and when
/// it is a parameter's default, `` `0.0.0.0/0`, the default of parameter `P` ``.
pub fn world_range(rule: &NetworkRule) -> String {
    let cidr = rule.world_cidr().unwrap_or_default();
    match rule.cidr_parameter() {
        Some(p) => format!("`{cidr}`, the default of parameter `{p}`"),
        None => format!("`{cidr}`"),
    }
}

/// Reports, at its range, each rule of `direction` that is open to the world if deployed
/// with defaults and that `message` has something to say about.
pub fn report_world_rules(
    cx: &Context<'_>,
    out: &mut Findings,
    direction: Direction,
    message: impl Fn(&NetworkRule) -> Option<Say>,
) {
    let model = model(cx);
    for rule in model.network_rules() {
        if rule.direction != direction || !rule.is_open_to_world() {
            continue;
        }
        if let Some(say) = message(rule) {
            say.add_to(out, &rule.peer_pointer);
        }
    }
}

/// Reports the world-open ingress rules of one port class: "`<group>` lets the whole
/// internet (`<range>`) `<what>`", where `what` ("reach TCP 22 (SSH)") comes from
/// `reach`, which may pass a rule by giving `None`.
pub fn report_world_ingress(
    cx: &Context<'_>,
    out: &mut Findings,
    class: PortClass,
    reach: impl Fn(&NetworkRule) -> Option<Say>,
) {
    report_world_rules(cx, out, Direction::Ingress, |rule| {
        if port_class(rule) != class {
            return None;
        }
        let Say { message, severity } = reach(rule)?;
        Some(Say {
            message: format!(
                "{} lets the whole internet ({}) {message}",
                group_phrase(rule),
                world_range(rule)
            ),
            severity,
        })
    })
}

/// For SEC014 and SEC015: `reach <ports> (<service>)` when a sensitive-port rule lets
/// `port` through.
pub fn reaches_port(rule: &NetworkRule, port: i64, service: &str) -> Option<Say> {
    let (from, to) = ports(rule)?;
    (from <= port && port <= to)
        .then(|| format!("reach {} ({service})", describe_ports(rule)).into())
}
