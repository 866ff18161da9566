use preflight_policy::prelude::*;

use crate::validate::Kind;

declare_rule! {
    /// ## What it does
    /// Checks that an intrinsic function gives what the property expects: a `Ref` to a
/// `List<...>` or `CommaDelimitedList` parameter, `Fn::GetAZs` or `Fn::Split` (a list)
/// where a single value goes, a `Ref`, `Fn::Sub` or `Fn::Join` (a string) where a list
/// or mapping goes, and an `Fn::GetAtt` whose attribute type (from the schema) does not
/// fit.
    ///
    /// ## Why is this bad?
    /// CloudFormation fails the resource at deploy time ("Value of property SubnetId must be
/// of type String"), after other resources were already created.
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
///   Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
/// Resources:
///   Instance:
///     Type: AWS::EC2::Instance
///     Properties:
///       SubnetId: !Ref Subnets
    /// ```
    ///
    /// ## Fix
    /// Pick one item (`!Select [0, !Ref Subnets]`), or use a parameter of the right type.
    pub struct IntrinsicResultType {
        id: "SCH010",
        name: "intrinsic-result-type",
        title: "Ref and Fn::GetAtt give the type the property needs",
        severity: High,
        equivalents: { "cfn-lint": ["E3012", "E1040", "E1041"], "cloudformation-validate": ["E9003", "E1040", "E1041"] },
    }
}

impl Rule for IntrinsicResultType {
    fn check(&self, cx: &Context, out: &mut Findings) {
        crate::report(cx, Kind::IntrinsicType, out);
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
        insta::assert_snapshot!(render_rule("SCH010", "tests/fixtures/sch010.yaml"));
    }
}
