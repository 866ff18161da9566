use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks that the template does not set a property the schema lists in
/// `readOnlyProperties` (an `Arn`, an endpoint, an id CloudFormation assigns).
    ///
    /// ## Why is this bad?
    /// Read-only properties are outputs of the resource; CloudFormation rejects a template
/// that sets them.
    ///
    /// ## Example
    /// ```yaml
    /// Bucket:
///   Type: AWS::S3::Bucket
///   Properties:
///     Arn: arn:aws:s3:::my-bucket
    /// ```
    ///
    /// ## Fix
    /// Remove the property; read it with `!GetAtt Bucket.Arn` where it is needed.
    pub struct ReadOnlyProperty {
        id: "SCH008",
        name: "read-only-property",
        title: "Read-only properties are not set",
        severity: High,
        equivalents: { "cfn-lint": ["E3040"], "cloudformation-validate": ["E3040"] },
    }
}

impl Rule for ReadOnlyProperty {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::ReadOnly, out);
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
        insta::assert_snapshot!(render_rule("SCH008", "tests/fixtures/sch008.yaml"));
    }
}
