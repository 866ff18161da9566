use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks that each literal value has the JSON type its schema position expects
/// (string, integer, number, boolean, list, mapping), as CloudFormation reads it: a
/// number or boolean is accepted where a string goes, a numeric string where a number
/// goes, `"true"`/`"false"` where a boolean goes. A value that comes from a parameter's
/// `Default` or `AllowedValues`, or from a mapping, is checked too (as a warning).
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the value ("Value of property MemorySize must be of type
/// Integer") and the stack rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
///   Type: AWS::Serverless::Function
///   Properties:
///     MemorySize: lots
    /// ```
    ///
    /// ## Fix
    /// Write the value in the expected type (`MemorySize: 512`).
    pub struct ValueType {
        id: "SCH004",
        name: "value-type",
        title: "Values have the type the schema expects",
        severity: High,
        equivalents: { "cfn-lint": ["E3012"], "cloudformation-validate": ["E3012"] },
    }
}

impl Rule for ValueType {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::Type, out);
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
        insta::assert_snapshot!(render_rule("SCH004", "tests/fixtures/sch004.yaml"));
    }
}
