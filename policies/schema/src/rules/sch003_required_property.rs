use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks that the properties a schema requires are set: `required`, the "one of"
/// requirements written as `oneOf`/`anyOf` branches or `requiredXor`, and
/// `dependencies` (setting one property requires another). Also reports two properties
/// set together where the schema allows only one of them.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the resource ("Property Status cannot be empty") and the
/// stack rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
///   Type: AWS::S3::Bucket
///   Properties:
///     VersioningConfiguration: {}
    /// ```
    ///
    /// ## Fix
    /// Set the missing property (here `VersioningConfiguration.Status: Enabled`).
    pub struct RequiredProperty {
        id: "SCH003",
        name: "required-property",
        title: "Required properties are set",
        severity: High,
        equivalents: { "cfn-lint": ["E3003", "E3014", "E3020"], "cloudformation-validate": ["E3003"] },
    }
}

impl Rule for RequiredProperty {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::Required, out);
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
        insta::assert_snapshot!(render_rule("SCH003", "tests/fixtures/sch003.yaml"));
    }
}
