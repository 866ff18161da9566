use preflight_policy::prelude::*;

use crate::support::{PortClass, reaches_port, report_world_ingress};

declare_rule! {
    /// ## What it does
    /// Checks security group ingress rules (inline `SecurityGroupIngress` and standalone
    /// `AWS::EC2::SecurityGroupIngress`) for a rule that lets the whole internet
    /// (`0.0.0.0/0`, `::/0`) reach port 22 (SSH). Rules open on every port are reported by
    /// SEC017 instead.
    ///
    /// The whole internet is any range with prefix length 0 (`0.0.0.0/0`, `::/0`,
    /// `0000::/0`), written out, found in `Mappings` by an `Fn::FindInMap` with literal
    /// keys, or the default of the parameter a `!Ref` names.
    ///
    /// ## Why is this bad?
    /// SSH open to the internet is scanned and brute-forced within minutes of being
    /// exposed, and is a frequent way in when a password is weak or a vulnerability is
    /// unpatched.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: tcp
    ///     FromPort: 22
    ///     ToPort: 22
    ///     CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Allow only the address ranges that need it, or reach the instances another way
    /// (Systems Manager Session Manager, a bastion, a VPN).
    pub struct SshOpenToWorld {
        id: "SEC014",
        name: "ssh-open-to-world",
        title: "SSH is not open to the world",
        severity: High,
        resource_types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        equivalents: { "cfn_nag": ["W2"], "checkov": ["CKV_AWS_24"] },
    }
}

impl Rule for SshOpenToWorld {
    fn check(&self, cx: &Context, out: &mut Findings) {
        report_world_ingress(cx, out, PortClass::Sensitive, |rule| {
            reaches_port(rule, 22, "SSH")
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC014", "tests/fixtures/sec014.yaml"));
    }
}
