use std::collections::HashSet;

use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that each VPC of the template has an `AWS::EC2::FlowLog` whose `ResourceId`
    /// is a `Ref` to it, as cfn_nag's W60 does.
    ///
    /// ## Why is this bad?
    /// Flow logs are the record of which addresses talked to what: without them, an
    /// intrusion or exfiltration through the VPC leaves no network trace.
    ///
    /// ## Example
    /// ```yaml
    /// Vpc:
    ///   Type: AWS::EC2::VPC
    ///   Properties:
    ///     CidrBlock: 10.0.0.0/16
    /// ```
    ///
    /// ## Fix
    /// Add an `AWS::EC2::FlowLog` with `ResourceType: VPC` and `ResourceId: !Ref Vpc`.
    pub struct VpcFlowLog {
        id: "SEC129",
        name: "vpc-flow-log",
        title: "VPCs have a flow log",
        severity: Low,
        resource_types: [
            "AWS::EC2::VPC",
        ],
        equivalents: { "cfn_nag": ["W60"] },
    }
}

impl Rule for VpcFlowLog {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let logged: HashSet<&str> = t
            .resources_of_type("AWS::EC2::FlowLog")
            .filter_map(|f| f.property("ResourceId")?.value().get("Ref")?.as_str())
            .collect();
        for vpc in t.resources_of_types(Self::META.resource_types) {
            if !logged.contains(vpc.id) {
                out.add(
                    &vpc.node,
                    format!("VPC `{}` has no flow log in the template", vpc.id),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC129", "tests/fixtures/sec129.yaml"));
    }
}
