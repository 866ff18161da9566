use preflight_policy::prelude::*;

use preflight_policy::permissions::{Direction, NetworkRule};

use crate::support::{group_phrase, model};

declare_rule! {
    /// ## What it does
    /// Reports security group ingress rules (inline or `AWS::EC2::SecurityGroupIngress`) whose
    /// `FromPort` differs from their `ToPort`, as cfn_nag's W27 does. Opinionated: at info
    /// severity.
    ///
    /// ## Why is this bad?
    /// A range opens every port in it, including those nothing is meant to listen on.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: tcp
    ///     FromPort: 8000
    ///     ToPort: 8100
    ///     CidrIp: 10.0.0.0/8
    /// ```
    ///
    /// ## Fix
    /// Open the ports the service listens on, one rule each.
    pub struct IngressPortRange {
        id: "SEC119",
        name: "ingress-port-range",
        title: "Security group ingress opens single ports",
        severity: Info,
        resource_types: [
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupIngress",
        ],
        equivalents: { "cfn_nag": ["W27"] },
    }
}

/// Whether a rule is one this rule reports.
fn reported(rule: &NetworkRule) -> bool {
    rule.from_port != rule.to_port
}

impl Rule for IngressPortRange {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut seen = crate::support::Seen::default();
        for rule in model.network_rules() {
            if rule.direction != Direction::Ingress || !reported(rule) || !seen.first(&rule.pointer)
            {
                continue;
            }
            out.add_at(
                &rule.pointer,
                format!(
                    "{} lets in a port range ({}) instead of a single port",
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
        insta::assert_snapshot!(render_rule("SEC119", "tests/fixtures/sec119.yaml"));
    }
}
