use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks the `Allow` statements of `AWS::IoT::Policy` documents for `Resource: "*"`, as
    /// cfn_nag's W39 does.
    ///
    /// ## Why is this bad?
    /// An IoT policy is what a device certificate may do; a wildcard lets every device
    /// holding one act for all others (publish to any topic, read any shadow).
    ///
    /// ## Example
    /// ```yaml
    /// DevicePolicy:
    ///   Type: AWS::IoT::Policy
    ///   Properties:
    ///     PolicyDocument:
    ///       Statement:
    ///         - Effect: Allow
    ///           Action: iot:*
    ///           Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// Name the actions (`iot:Publish`, `iot:Connect`) and the resources, using policy
    /// variables such as `${iot:Connection.Thing.ThingName}` to scope each device to its own.
    pub struct IotPolicyWildcardResource {
        id: "SEC123",
        name: "iot-policy-wildcard-resource",
        title: "IoT policies name their resources",
        severity: Medium,
        resource_types: [
            "AWS::IoT::Policy",
        ],
        equivalents: { "cfn_nag": ["W39"] },
    }
}

impl Rule for IotPolicyWildcardResource {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            let Some(statements) = r.property_path("PolicyDocument/Statement") else {
                continue;
            };
            for statement in statements.one_or_many() {
                if statement.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
                    continue;
                }
                let Some(list) = statement.get("Resource") else {
                    continue;
                };
                for item in list.one_or_many() {
                    let Some(text) = item.as_str() else {
                        continue;
                    };
                    if text == "*" {
                        out.add(
                            &item,
                            format!("IoT policy `{}` allows every resource: `{text}`", r.id),
                        );
                    }
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
        insta::assert_snapshot!(render_rule("SEC123", "tests/fixtures/sec123.yaml"));
    }
}
