use preflight_policy::prelude::*;

use crate::support::{describe, truthy};

declare_rule! {
    /// ## What it does
    /// Reports network interfaces of EC2 instances (`NetworkInterfaces`) and launch templates
    /// (`LaunchTemplateData.NetworkInterfaces`) that set `AssociatePublicIpAddress: true`, as
    /// checkov's CKV_AWS_88 does.
    ///
    /// ## Why is this bad?
    /// A public address makes the instance reachable from the internet, one security group
    /// rule away from exposure; instances are better reached through a load balancer or SSM.
    ///
    /// ## Example
    /// ```yaml
    /// Instance:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     NetworkInterfaces:
    ///       - DeviceIndex: "0"
    ///         AssociatePublicIpAddress: true
    ///         SubnetId: subnet-1
    /// ```
    ///
    /// ## Fix
    /// Leave `AssociatePublicIpAddress` out (or `false`), put the instance in a private subnet
    /// and reach it through a load balancer, a NAT gateway and Session Manager.
    pub struct Ec2PublicIp {
        id: "SEC150",
        name: "ec2-public-ip",
        title: "EC2 instances get no public IP address",
        severity: Medium,
        resource_types: [
            "AWS::EC2::Instance",
            "AWS::EC2::LaunchTemplate",
        ],
        equivalents: { "checkov": ["CKV_AWS_88"] },
    }
}

impl Rule for Ec2PublicIp {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let path = if r.ty == "AWS::EC2::Instance" {
                "NetworkInterfaces"
            } else {
                "LaunchTemplateData/NetworkInterfaces"
            };
            let Some(interfaces) = r.property_path(path) else {
                continue;
            };
            for interface in interfaces.one_or_many() {
                if let Some(public) = interface.get("AssociatePublicIpAddress")
                    && truthy(&t, Some(&public))
                {
                    out.add(
                        &public,
                        format!(
                            "{} gives a network interface a public IP address",
                            describe(&r)
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC150", "tests/fixtures/sec150.yaml"));
    }
}
