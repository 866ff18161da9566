use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks every property, at every depth, against the resource type's provider schema
/// (for SAM resources, the SAM schema, with `Globals` applied), and suggests the
/// closest known name.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the stack ("Encountered unsupported property TableNme") after
/// the deploy command has packaged and uploaded everything, and rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Table:
///   Type: AWS::DynamoDB::Table
///   Properties:
///     TableNme: orders
    /// ```
    ///
    /// ## Fix
    /// Fix the spelling (`TableName`), or remove a property the type does not have.
    pub struct UnknownProperty {
        id: "SCH002",
        name: "unknown-property",
        title: "Properties are known to the resource type's schema",
        severity: High,
        equivalents: { "cfn-lint": ["E3002"], "cloudformation-validate": ["E3002"] },
    }
}

impl Rule for UnknownProperty {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::UnknownProperty, out);
    }

    fn applies(&self, cx: &Context, _: &preflight_policy::RuleMeta) -> bool {
        cx.template.resources().next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SCH002", "tests/fixtures/sch002.yaml"));
    }

    #[test]
    fn null_values() {
        insta::assert_snapshot!(render_rule("SCH002", "tests/fixtures/sch002_null.yaml"));
    }
}
