use preflight_policy::permissions::Direction;
use preflight_policy::prelude::*;

use crate::support::{describe_ports, group_phrase, report_world_rules, world_range};

declare_rule! {
    /// ## What it does
    /// Checks security group egress rules (inline `SecurityGroupEgress` and standalone
    /// `AWS::EC2::SecurityGroupEgress`) for a rule that lets traffic out to the whole
    /// internet (`0.0.0.0/0`, `::/0`). A group without egress rules also allows all
    /// outbound traffic; that AWS default is not reported, only rules the template writes.
    ///
    /// The whole internet is any range with prefix length 0 (`0.0.0.0/0`, `::/0`,
    /// `0000::/0`), written out, found in `Mappings` by an `Fn::FindInMap` with literal
    /// keys, or the default of the parameter a `!Ref` names.
    ///
    /// ## Why is this bad?
    /// Unrestricted egress lets compromised code download tools and send data anywhere.
    /// Where the workload only talks to AWS services or a few endpoints, VPC endpoints and
    /// narrow egress rules contain it.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupEgress:
    ///   - IpProtocol: "-1"
    ///     CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Restrict egress to the ports and destinations the workload needs (for example
    /// TCP 443 to a prefix list or VPC endpoint security group).
    pub struct EgressOpenToWorld {
        id: "SEC019",
        name: "egress-open-to-world",
        title: "Security group egress is not open to the world",
        severity: Low,
        resource_types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress"],
        equivalents: { "cfn_nag": ["W5"] },
    }
}

impl Rule for EgressOpenToWorld {
    fn check(&self, cx: &Context, out: &mut Findings) {
        report_world_rules(cx, out, Direction::Egress, |rule| {
            Some(
                format!(
                    "{} lets {} out to the whole internet ({})",
                    group_phrase(rule),
                    describe_ports(rule),
                    world_range(rule)
                )
                .into(),
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC019", "tests/fixtures/sec019.yaml"));
    }
}
