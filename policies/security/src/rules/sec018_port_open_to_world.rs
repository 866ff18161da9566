use preflight_policy::prelude::*;

use crate::support::{
    PortClass, describe_ports, group_phrase, model, port_class, ports, world_ingress,
};

declare_rule! {
    /// ## What it does
    /// Checks security group ingress rules for any other rule that lets the whole
    /// internet (`0.0.0.0/0`, `::/0`) in: a port or range without a rule of its own
    /// (SSH, RDP, databases and all ports are SEC014-SEC017), ICMP, or ports decided at
    /// deploy time. HTTP and HTTPS (80, 443) and ICMP are reported at info severity: a
    /// public load balancer or web server is meant to be reachable on them.
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
        equivalents: { "cfn_nag": ["W2"], "checkov": ["CKV_AWS_260"] },
    }
}

impl Rule for PortOpenToWorld {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        for (rule, peer) in world_ingress(&cx.template, &model) {
            if port_class(rule) != PortClass::Other {
                continue;
            }
            let what = describe_ports(rule);
            let web = matches!(ports(rule), Some((80, 80)) | Some((443, 443)));
            let icmp = matches!(rule.protocol.as_str(), "icmp" | "icmpv6");
            let deploy_time = ports(rule).is_none() && !icmp;
            let note = if deploy_time {
                " (protocol or ports decided at deploy time)"
            } else {
                ""
            };
            let finding = out.add_at(
                &peer.pointer,
                format!(
                    "{} lets the whole internet (`{}`) reach {what}{note}",
                    group_phrase(rule),
                    peer.cidr
                ),
            );
            if web || icmp {
                finding.severity(Severity::Info);
            }
        }
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
