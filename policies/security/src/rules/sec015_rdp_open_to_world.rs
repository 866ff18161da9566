use preflight_policy::prelude::*;

use crate::support::{PortClass, reaches_port, report_world_ingress};

declare_rule! {
    /// ## What it does
    /// Checks security group ingress rules (inline `SecurityGroupIngress` and standalone
    /// `AWS::EC2::SecurityGroupIngress`) for a rule that lets the whole internet
    /// (`0.0.0.0/0`, `::/0`) reach port 3389 (RDP). Rules open on every port are reported by
    /// SEC017 instead.
    ///
    /// The whole internet is any range with prefix length 0 (`0.0.0.0/0`, `::/0`,
    /// `0000::/0`), written out, found in `Mappings` by an `Fn::FindInMap` with literal
    /// keys, or the default of the parameter a `!Ref` names.
    ///
    /// ## Why is this bad?
    /// RDP open to the internet is scanned and brute-forced within minutes of being
    /// exposed, and is a frequent way in when a password is weak or a vulnerability is
    /// unpatched.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: tcp
    ///     FromPort: 3389
    ///     ToPort: 3389
    ///     CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Allow only the address ranges that need it, or reach the instances another way
    /// (Systems Manager Session Manager, a bastion, a VPN).
    pub struct RdpOpenToWorld {
        id: "SEC015",
        name: "rdp-open-to-world",
        title: "RDP is not open to the world",
        severity: High,
        resource_types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        equivalents: { "cfn_nag": ["W2"], "checkov": ["CKV_AWS_25"] },
    }
}

impl Rule for RdpOpenToWorld {
    fn check(&self, cx: &Context, out: &mut Findings) {
        report_world_ingress(cx, out, PortClass::Sensitive, |rule| {
            reaches_port(rule, 3389, "RDP")
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC015", "tests/fixtures/sec015.yaml"));
    }
}
