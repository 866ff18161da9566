use preflight_policy::prelude::*;

use preflight_policy::permissions::{Direction, NetworkRule};

use crate::support::{group_phrase, model};

declare_rule! {
    /// ## What it does
    /// Reports security group ingress rules (inline or `AWS::EC2::SecurityGroupIngress`) with
    /// `IpProtocol: -1` (every protocol and port), from any source, as cfn_nag's W42 does;
    /// from the whole internet it is also SEC017.
    ///
    /// ## Why is this bad?
    /// All-protocol ingress opens every port to its source: whatever listens on the
    /// instance, now or later, is reachable.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: -1
    ///     SourceSecurityGroupId: !Ref Other
    /// ```
    ///
    /// ## Fix
    /// Allow the protocols and ports the service listens on.
    pub struct IngressAllProtocols {
        id: "SEC125",
        name: "ingress-all-protocols",
        title: "Security group ingress names its protocol",
        severity: Low,
        resource_types: [
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupIngress",
        ],
        equivalents: { "cfn_nag": ["W42"] },
    }
}

/// Whether a rule is one this rule reports.
fn reported(rule: &NetworkRule) -> bool {
    rule.all_protocols()
}

impl Rule for IngressAllProtocols {
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
                    "{} lets in every protocol (`IpProtocol: -1`) from {}",
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
        insta::assert_snapshot!(render_rule("SEC125", "tests/fixtures/sec125.yaml"));
    }
}
