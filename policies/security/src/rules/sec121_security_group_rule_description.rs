use preflight_policy::prelude::*;

use crate::support::opaque;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks that every security group rule has a `Description`: each entry of a group's
    /// `SecurityGroupIngress` and `SecurityGroupEgress`, and each `AWS::EC2::SecurityGroupIngress`
    /// and `AWS::EC2::SecurityGroupEgress`, as cfn_nag's W36 and checkov's CKV_AWS_23 do. An
    /// empty or blank description counts as none; one given by an intrinsic passes.
    ///
    /// ## Why is this bad?
    /// A rule without a description hides why it exists, so nobody dares remove it and
    /// over-broad rules stay.
    ///
    /// ## Example
    /// ```yaml
    /// SecurityGroupIngress:
    ///   - IpProtocol: tcp
    ///     FromPort: 443
    ///     ToPort: 443
    ///     CidrIp: 10.0.0.0/8
    /// ```
    ///
    /// ## Fix
    /// Add a `Description` saying who needs the access and why.
    pub struct SecurityGroupRuleDescription {
        id: "SEC121",
        name: "security-group-rule-description",
        title: "Security group rules have a description",
        severity: Low,
        resource_types: [
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupIngress",
            "AWS::EC2::SecurityGroupEgress",
        ],
        equivalents: { "cfn_nag": ["W36"], "checkov": ["CKV_AWS_23"] },
    }
}

/// Whether a rule's `Description` is missing or blank.
fn blank(rule: &Node<'_>) -> bool {
    match rule.get("Description").map(|d| d.value().clone()) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

impl Rule for SecurityGroupRuleDescription {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            if opaque(&r) {
                continue;
            }
            if r.ty == "AWS::EC2::SecurityGroup" {
                for key in ["SecurityGroupIngress", "SecurityGroupEgress"] {
                    let Some(list) = r.property(key) else {
                        continue;
                    };
                    for item in list.one_or_many() {
                        if item.is_object() && !item.is_intrinsic() && blank(&item) {
                            out.add(
                                &item,
                                format!(
                                    "a rule in `{key}` of security group `{}` has no `Description`",
                                    r.id
                                ),
                            );
                        }
                    }
                }
            } else {
                let at = r.properties().unwrap_or_else(|| r.node.clone());
                if blank(&at) {
                    out.add(
                        &at,
                        format!("security group rule `{}` has no `Description`", r.id),
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
        insta::assert_snapshot!(render_rule("SEC121", "tests/fixtures/sec121.yaml"));
    }
}
