use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks numbers against `minimum`/`maximum` (and the exclusive forms), strings
/// against `minLength`/`maxLength`, and lists against `minItems`/`maxItems` and
/// `uniqueItems`.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the value ("Timeout must be less than or equal to 900") and the
/// stack rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
///   Type: AWS::Lambda::Function
///   Properties:
///     Timeout: 9000
    /// ```
    ///
    /// ## Fix
    /// Bring the value into range (`Timeout: 900` at most for Lambda).
    pub struct ValueRange {
        id: "SCH006",
        name: "value-range",
        title: "Values are within the schema's ranges, lengths and item counts",
        severity: High,
        equivalents: { "cfn-lint": ["E3034", "E3033", "E3032", "E3037"], "cloudformation-validate": ["E3034", "E3032"] },
    }
}

impl Rule for ValueRange {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::Range, out);
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
        insta::assert_snapshot!(render_rule("SCH006", "tests/fixtures/sch006.yaml"));
    }
}
