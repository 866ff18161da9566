use std::collections::HashSet;

use preflight_policy::prelude::*;

use crate::support::{opaque, refers_to};
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks that each security group has an egress rule, inline (`SecurityGroupEgress`)
    /// or as an `AWS::EC2::SecurityGroupEgress` whose `GroupId` names it by `Ref` or
    /// `Fn::GetAtt`, as cfn_nag's F1000 does.
    ///
    /// ## Why is this bad?
    /// A security group without egress rules gets AWS's default rule, all traffic to
    /// anywhere: the group allows every outbound connection without the template saying so.
    ///
    /// ## Example
    /// ```yaml
    /// Group:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: web
    ///     SecurityGroupIngress:
    ///       - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}
    /// ```
    ///
    /// ## Fix
    /// Add the egress the workload needs (`SecurityGroupEgress`), or write the
    /// allow-all rule out if that is what is meant.
    pub struct SecurityGroupWithoutEgress {
        id: "SEC116",
        name: "security-group-without-egress",
        title: "Security groups declare their egress",
        severity: Low,
        resource_types: [
            "AWS::EC2::SecurityGroup",
        ],
        equivalents: { "cfn_nag": ["F1000"] },
    }
}

impl Rule for SecurityGroupWithoutEgress {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let standalone: HashSet<&str> = t
            .resources_of_type("AWS::EC2::SecurityGroupEgress")
            .filter_map(|e| {
                let group = e.property("GroupId")?;
                refers_to(group.value())
            })
            .collect();
        for g in t.resources_of_types(Self::META.resource_types) {
            if opaque(&g) {
                continue;
            }
            let inline = g
                .property("SecurityGroupEgress")
                .is_some_and(|n| match n.value() {
                    Value::Array(items) => !items.is_empty(),
                    Value::Null => false,
                    _ => true,
                });
            if inline || standalone.contains(g.id) {
                continue;
            }
            let at = g.properties().unwrap_or_else(|| g.node.clone());
            out.add(
                &at,
                format!(
                    "security group `{}` has no egress rule, so AWS's default allows all outbound traffic",
                    g.id
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
        insta::assert_snapshot!(render_rule("SEC116", "tests/fixtures/sec116.yaml"));
    }
}
