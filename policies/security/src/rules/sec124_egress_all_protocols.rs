use preflight_policy::prelude::*;

use preflight_policy::permissions::{Direction, NetworkRule};

use crate::support::{group_phrase, model};

declare_rule! {
    /// ## What it does
    /// Reports security group egress rules (inline or `AWS::EC2::SecurityGroupEgress`) with
    /// `IpProtocol: -1` (every protocol and port), except to localhost (`127.0.0.1/32`,
    /// `::1/128`), as cfn_nag's W40 does. Opinionated: at info severity; egress to the whole
    /// internet is SEC019.
    ///
    /// ## Why is this bad?
    /// All-protocol egress lets anything out, on any port: the widest outbound grant.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupEgress:
    ///   - IpProtocol: -1
    ///     CidrIp: 10.0.0.0/8
    /// ```
    ///
    /// ## Fix
    /// Allow the protocols and ports the workload needs (`tcp` 443, ...).
    pub struct EgressAllProtocols {
        id: "SEC124",
        name: "egress-all-protocols",
        title: "Security group egress names its protocol",
        severity: Info,
        resource_types: [
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupEgress",
        ],
        equivalents: { "cfn_nag": ["W40"] },
    }
}

/// Whether a rule is one this rule reports.
fn reported(rule: &NetworkRule) -> bool {
    rule.all_protocols() && !matches!(rule.cidr(), Some("127.0.0.1/32" | "::1/128" | ":1/128"))
}

impl Rule for EgressAllProtocols {
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
                    "{} lets out every protocol (`IpProtocol: -1`) to {}",
                    group_phrase(rule),
                    rule.describe_peer()
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
        insta::assert_snapshot!(render_rule("SEC124", "tests/fixtures/sec124.yaml"));
    }
}
