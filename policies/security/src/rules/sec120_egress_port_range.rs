use preflight_policy::prelude::*;

use preflight_policy::permissions::{Direction, NetworkRule};

use crate::support::{group_phrase, model};

declare_rule! {
    /// ## What it does
    /// Reports security group egress rules (inline or `AWS::EC2::SecurityGroupEgress`) whose
    /// `FromPort` differs from their `ToPort`, as cfn_nag's W29 does. Opinionated: at info
    /// severity.
    ///
    /// ## Why is this bad?
    /// A range lets connections out to every port in it; egress limited to the ports a
    /// workload uses makes exfiltration and command-and-control traffic harder.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupEgress:
    ///   - IpProtocol: tcp
    ///     FromPort: 0
    ///     ToPort: 1024
    ///     CidrIp: 10.0.0.0/8
    /// ```
    ///
    /// ## Fix
    /// Allow the ports the workload connects to, one rule each.
    pub struct EgressPortRange {
        id: "SEC120",
        name: "egress-port-range",
        title: "Security group egress opens single ports",
        severity: Info,
        resource_types: [
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupEgress",
        ],
        equivalents: { "cfn_nag": ["W29"] },
    }
}

/// Whether a rule is one this rule reports.
fn reported(rule: &NetworkRule) -> bool {
    rule.from_port != rule.to_port
}

impl Rule for EgressPortRange {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut seen = crate::support::Seen::default();
        for rule in model.network_rules() {
            if rule.direction != Direction::Egress || !reported(rule) || !seen.first(&rule.pointer)
            {
                continue;
            }
            out.add_at(
                &rule.pointer,
                format!(
                    "{} lets out a port range ({}) instead of a single port",
                    group_phrase(rule),
                    rule.describe_protocol()
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
        insta::assert_snapshot!(render_rule("SEC120", "tests/fixtures/sec120.yaml"));
    }
}
