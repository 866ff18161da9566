use preflight_policy::prelude::*;

use preflight_policy::permissions::{Direction, NetworkRule};

use crate::support::{group_phrase, model};

declare_rule! {
    /// ## What it does
    /// Reports security group ingress rules (inline or `AWS::EC2::SecurityGroupIngress`) whose
    /// `CidrIp` is not a `/32` or whose `CidrIpv6` is not a `/128`, as cfn_nag's W9 does. Rules
    /// from other security groups or prefix lists pass. Opinionated: at info severity.
    ///
    /// ## Why is this bad?
    /// Each address a range adds is a host that can reach the group; ranges grow quietly as
    /// networks change, and a single host is the tightest grant.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: tcp
    ///     FromPort: 22
    ///     ToPort: 22
    ///     CidrIp: 10.0.0.0/16
    /// ```
    ///
    /// ## Fix
    /// Allow the hosts that need access (`/32`), a security group (`SourceSecurityGroupId`) or
    /// a managed prefix list.
    pub struct IngressCidrNotSingleHost {
        id: "SEC118",
        name: "ingress-cidr-not-single-host",
        title: "Security group ingress ranges are single hosts",
        severity: Info,
        resource_types: [
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupIngress",
        ],
        equivalents: { "cfn_nag": ["W9"] },
    }
}

/// Whether a rule is one this rule reports.
fn reported(rule: &NetworkRule) -> bool {
    let Some(cidr) = rule.cidr().filter(|c| !c.contains("${")) else {
        return false;
    };
    let single = if cidr.contains(':') { "/128" } else { "/32" };
    !cidr.ends_with(single)
}

impl Rule for IngressCidrNotSingleHost {
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
                    "{} lets a range in (`{}`), not a single host",
                    group_phrase(rule),
                    rule.cidr().unwrap_or_default()
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
        insta::assert_snapshot!(render_rule("SEC118", "tests/fixtures/sec118.yaml"));
    }
}
