use preflight_policy::prelude::*;

use crate::support::{PortClass, describe_ports, report_world_ingress};

declare_rule! {
    /// ## What it does
    /// Checks security group ingress rules for a rule that lets the whole internet
    /// (`0.0.0.0/0`, `::/0`) in on every protocol (`IpProtocol: -1`) or on every TCP or
    /// UDP port (`0-65535`, `FromPort: -1`).
    ///
    /// The whole internet is any range with prefix length 0 (`0.0.0.0/0`, `::/0`,
    /// `0000::/0`), written out, found in `Mappings` by an `Fn::FindInMap` with literal
    /// keys, or the default of the parameter a `!Ref` names.
    ///
    /// ## Why is this bad?
    /// Every service the instance runs, including the ones nobody meant to expose
    /// (databases, admin consoles, debug ports), is reachable from anywhere.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: "-1"
    ///     CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Open only the ports the service listens on, to the sources that need them.
    pub struct AllPortsOpenToWorld {
        id: "SEC017",
        name: "all-ports-open-to-world",
        title: "Security groups do not open every port to the world",
        severity: Critical,
        resource_types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        equivalents: { "cfn_nag": ["W2"], "checkov": ["CKV_AWS_24", "CKV_AWS_25"] },
    }
}

impl Rule for AllPortsOpenToWorld {
    fn check(&self, cx: &Context, out: &mut Findings) {
        report_world_ingress(cx, out, PortClass::All, |rule| {
            Some(format!("in on {}", describe_ports(rule)).into())
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC017", "tests/fixtures/sec017.yaml"));
    }
}
