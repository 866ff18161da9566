use preflight_policy::prelude::*;

use crate::support::{DATABASE_PORTS, PortClass, describe_ports, ports, report_world_ingress};

declare_rule! {
    /// ## What it does
    /// Checks security group ingress rules for a rule that lets the whole internet
    /// (`0.0.0.0/0`, `::/0`) reach a database, cache, search or queue port: MySQL/Aurora
    /// 3306, PostgreSQL 5432, SQL Server 1433, Oracle 1521, Redshift 5439, MongoDB and
    /// DocumentDB 27017, Redis 6379, Memcached 11211, Elasticsearch/OpenSearch 9200,
    /// Cassandra 9042, Kafka 9092, NFS 2049, and a few more. Rules open on every port are
    /// reported by SEC017 instead.
    ///
    /// The whole internet is any range with prefix length 0 (`0.0.0.0/0`, `::/0`,
    /// `0000::/0`), written out, found in `Mappings` by an `Fn::FindInMap` with literal
    /// keys, or the default of the parameter a `!Ref` names.
    ///
    /// ## Why is this bad?
    /// Data stores reachable from the internet are found by scanners within hours; many
    /// have default credentials, no authentication at all (Redis, Memcached,
    /// Elasticsearch) or known vulnerabilities.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: tcp
    ///     FromPort: 5432
    ///     ToPort: 5432
    ///     CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Allow only the security groups of the applications that use the database
    /// (`SourceSecurityGroupId`).
    pub struct DatabasePortOpenToWorld {
        id: "SEC016",
        name: "database-port-open-to-world",
        title: "Database ports are not open to the world",
        severity: High,
        resource_types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        equivalents: { "cfn_nag": ["W2"] },
    }
}

impl Rule for DatabasePortOpenToWorld {
    fn check(&self, cx: &Context, out: &mut Findings) {
        report_world_ingress(cx, out, PortClass::Sensitive, |rule| {
            let (from, to) = ports(rule)?;
            let hit: Vec<String> = DATABASE_PORTS
                .iter()
                .filter(|(p, _)| from <= *p && *p <= to)
                .map(|(p, what)| format!("{p} {what}"))
                .collect();
            if hit.is_empty() {
                return None;
            }
            let shown = hit.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
            let more = if hit.len() > 3 {
                format!(" and {} more", hit.len() - 3)
            } else {
                String::new()
            };
            Some(format!("reach {} ({shown}{more})", describe_ports(rule)).into())
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC016", "tests/fixtures/sec016.yaml"));
    }
}
