use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks literal strings against the schema's `pattern`. Patterns the Rust regex engine
/// cannot read (look-around, back-references) are not checked.
    ///
    /// ## Why is this bad?
    /// CloudFormation validates properties against the schema before it creates the
/// resource ("failed validation constraint for keyword [pattern]") and rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Queue:
///   Type: AWS::SQS::Queue
///   Properties:
///     KmsMasterKeyId: ""
///   # an ARN, alias or key id of the right shape is expected
    /// ```
    ///
    /// ## Fix
    /// Write the value in the shape the pattern asks for.
    pub struct ValuePattern {
        id: "SCH007",
        name: "value-pattern",
        title: "Strings match the schema's pattern",
        severity: High,
        equivalents: { "cfn-lint": ["E3031"], "cloudformation-validate": ["E3031"] },
    }
}

impl Rule for ValuePattern {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::Pattern, out);
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
        insta::assert_snapshot!(render_rule("SCH007", "tests/fixtures/sch007.yaml"));
    }
}
