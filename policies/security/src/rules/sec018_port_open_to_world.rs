use preflight_policy::prelude::*;

use crate::support::{PortClass, Say, describe_ports, ports, report_world_ingress};

declare_rule! {
    /// ## What it does
    /// Checks security group ingress rules for any other rule that lets the whole
    /// internet (`0.0.0.0/0`, `::/0`) in: a port or range without a rule of its own
    /// (SSH, RDP, databases and all ports are SEC014-SEC017), ICMP, or ports decided at
    /// deploy time. HTTP and HTTPS (80, 443) and ICMP are reported at info severity: a
    /// public load balancer or web server is meant to be reachable on them.
    ///
    /// The whole internet is any range with prefix length 0 (`0.0.0.0/0`, `::/0`,
    /// `0000::/0`), written out, found in `Mappings` by an `Fn::FindInMap` with literal
    /// keys, or the default of the parameter a `!Ref` names.
    ///
    /// ## Why is this bad?
    /// Anything reachable from the internet is scanned and attacked; each open port should
    /// be a decision, and instances are better reached through a load balancer than
    /// directly.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: tcp
    ///     FromPort: 8080
    ///     ToPort: 8080
    ///     CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Allow only the sources that need the port (a load balancer's security group, a
    /// corporate range); suppress the finding with a reason where the exposure is meant.
    pub struct PortOpenToWorld {
        id: "SEC018",
        name: "port-open-to-world",
        title: "Security group ingress is not open to the world",
        severity: Medium,
        resource_types: ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        equivalents: { "cfn_nag": ["W2"] },
    }
}

impl Rule for PortOpenToWorld {
    fn check(&self, cx: &Context, out: &mut Findings) {
        report_world_ingress(cx, out, PortClass::Other, |rule| {
            let web = matches!(ports(rule), Some((80, 80)) | Some((443, 443)));
            let icmp = matches!(rule.protocol.as_str(), "icmp" | "icmpv6");
            let note = if ports(rule).is_none() && !icmp {
                " (protocol or ports decided at deploy time)"
            } else {
                ""
            };
            let message = format!("reach {}{note}", describe_ports(rule));
            Some(if web || icmp {
                Say::at(message, Severity::Info)
            } else {
                message.into()
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC018", "tests/fixtures/sec018.yaml"));
    }
}
