use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports EKS node groups whose `RemoteAccess` names an `Ec2SshKey` without
    /// `SourceSecurityGroups`, as checkov's CKV_AWS_100 does.
    ///
    /// ## Why is this bad?
    /// Without source security groups, EKS opens SSH (port 22) on the nodes to the whole
    /// internet.
    ///
    /// ## Example
    /// ```yaml
    /// Nodes:
    ///   Type: AWS::EKS::Nodegroup
    ///   Properties:
    ///     RemoteAccess:
    ///       Ec2SshKey: admin
    /// ```
    ///
    /// ## Fix
    /// Add `SourceSecurityGroups` (a bastion's group), or drop `RemoteAccess` and use Session
    /// Manager.
    pub struct EksNodegroupRemoteAccess {
        id: "SEC154",
        name: "eks-nodegroup-remote-access",
        title: "EKS node group SSH access is limited to security groups",
        severity: Medium,
        resource_types: [
            "AWS::EKS::Nodegroup",
        ],
        equivalents: { "checkov": ["CKV_AWS_100"] },
    }
}

impl Rule for EksNodegroupRemoteAccess {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            let Some(remote) = r.property("RemoteAccess") else {
                continue;
            };
            if remote.get("Ec2SshKey").is_some() && remote.get("SourceSecurityGroups").is_none() {
                out.add(&remote, format!("node group `{}` allows SSH with a key from anywhere (no `SourceSecurityGroups`)", r.id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC154", "tests/fixtures/sec154.yaml"));
    }
}
