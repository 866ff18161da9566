use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks the `Allow` statements of `AWS::IoT::Policy` documents for wildcard actions
    /// (`*` or `iot:*`), as cfn_nag's W38 does.
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
    pub struct IotPolicyWildcardAction {
        id: "SEC122",
        name: "iot-policy-wildcard-action",
        title: "IoT policies name their actions",
        severity: Medium,
        resource_types: [
            "AWS::IoT::Policy",
        ],
        equivalents: { "cfn_nag": ["W38"] },
    }
}

impl Rule for IotPolicyWildcardAction {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            let Some(statements) = r.property_path("PolicyDocument/Statement") else {
                continue;
            };
            for statement in statements.one_or_many() {
                if statement.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
                    continue;
                }
                let Some(list) = statement.get("Action") else {
                    continue;
                };
                for item in list.one_or_many() {
                    let Some(text) = item.as_str() else {
                        continue;
                    };
                    if text == "*" || (text.ends_with(":*") && text.len() > 2) {
                        out.add(
                            &item,
                            format!("IoT policy `{}` allows the wildcard action `{text}`", r.id),
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
        insta::assert_snapshot!(render_rule("SEC122", "tests/fixtures/sec122.yaml"));
    }
}
