use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks values against the schema's `enum` (and `const`), suggesting the closest
/// allowed value. Values of `Fn::If` branches, and a parameter's `AllowedValues` or
/// `Default` (as a warning), are checked as well.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the value ("Enabld is not a valid enum value") and the stack
/// rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
///   Type: AWS::S3::Bucket
///   Properties:
///     VersioningConfiguration:
///       Status: Enabld
    /// ```
    ///
    /// ## Fix
    /// Use one of the allowed values (`Enabled` or `Suspended`).
    pub struct AllowedValue {
        id: "SCH005",
        name: "allowed-value",
        title: "Values are among the schema's allowed values",
        severity: High,
        equivalents: { "cfn-lint": ["E3030", "W1030"], "cloudformation-validate": ["E3030"] },
    }
}

impl Rule for AllowedValue {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::Enum, out);
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
        insta::assert_snapshot!(render_rule("SCH005", "tests/fixtures/sch005.yaml"));
    }
}
