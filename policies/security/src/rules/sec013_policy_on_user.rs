use preflight_policy::permissions::is_no_value;
use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that IAM users get no permissions of their own: no inline `Policies` or
    /// `ManagedPolicyArns` on an `AWS::IAM::User`, no `AWS::IAM::Policy` or
    /// `AWS::IAM::ManagedPolicy` attached through `Users`, no `AWS::IAM::UserPolicy`.
    ///
    /// ## Why is this bad?
    /// Permissions scattered over individual users are hard to review and are forgotten
    /// when people change jobs; granting them through groups (or, better, roles) keeps
    /// them in one place.
    ///
    /// ## Example
    /// ```yaml
    /// Policy:
    ///   Type: AWS::IAM::Policy
    ///   Properties:
    ///     PolicyName: deploy
    ///     Users: [!Ref Deployer]
    ///     PolicyDocument: ...
    /// ```
    ///
    /// ## Fix
    /// Attach the policy to a group and add the user to it, or give the workload a role.
    pub struct PolicyOnUser {
        id: "SEC013",
        name: "policy-on-user",
        title: "IAM policies are attached to groups or roles, not users",
        severity: Medium,
        resource_types: [
            "AWS::IAM::User",
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::UserPolicy",
        ],
        equivalents: { "cfn_nag": ["F10", "F11", "F12"] },
    }
}

/// A property that is present and not empty (`[]`, `{}`, `AWS::NoValue` count as absent).
fn present<'a>(resource: &Resource<'a>, name: &str) -> Option<Node<'a>> {
    resource.property(name).filter(|n| match n.value() {
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Null => false,
        v => !is_no_value(v),
    })
}

impl Rule for PolicyOnUser {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            match r.ty {
                "AWS::IAM::User" => {
                    if let Some(n) = present(&r, "Policies") {
                        out.add(&n, format!("user `{}` has inline policies", r.id));
                    }
                    if let Some(n) = present(&r, "ManagedPolicyArns") {
                        out.add(&n, format!("user `{}` has managed policies attached", r.id));
                    }
                }
                "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                    if let Some(n) = present(&r, "Users") {
                        out.add(
                            &n,
                            format!("policy `{}` is attached directly to users", r.id),
                        );
                    }
                }
                "AWS::IAM::UserPolicy" => {
                    let at = present(&r, "UserName").unwrap_or_else(|| r.node.clone());
                    out.add(
                        &at,
                        format!("policy `{}` is attached directly to a user", r.id),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC013", "tests/fixtures/sec013.yaml"));
    }
}
