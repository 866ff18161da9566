use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Lambda permissions (`AWS::Lambda::Permission`) grant
    /// `lambda:InvokeFunction`, the action invokers need.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Any other action (`lambda:*`, `lambda:UpdateFunctionCode`,
    /// `lambda:InvokeFunctionUrl` to the wrong principal) lets the grantee do more than
    /// call the function, up to replacing its code.
    ///
    /// ## Example
    /// ```yaml
    /// Permission:
    ///   Type: AWS::Lambda::Permission
    ///   Properties:
    ///     FunctionName: my-function
    ///     Action: lambda:*
    ///     Principal: s3.amazonaws.com
    ///     SourceAccount: "123456789012"
    /// ```
    ///
    /// ## Fix
    /// Set `Action: lambda:InvokeFunction` (or `lambda:InvokeFunctionUrl` for function
    /// URLs, and disable this rule for those).
    pub struct LambdaPermissionAction {
        id: "SEC110",
        name: "lambda-permission-action",
        title: "Lambda permissions grant lambda:InvokeFunction only",
        severity: Low,
        resource_types: [
            "AWS::Lambda::Permission",
        ],
        equivalents: { "cfn_nag": ["W24"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Lambda::Permission"],
    path: "Action",
    expect: Expect::OneOf(&["lambda:InvokeFunction"]),
    what: "it grants more than invoking the function",
}];

impl Rule for LambdaPermissionAction {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC110", "tests/fixtures/sec110.yaml"));
    }
}
