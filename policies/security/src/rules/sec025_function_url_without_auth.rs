use preflight_policy::permissions::{Switch, SwitchState};
use preflight_policy::prelude::*;

use crate::support::model;

declare_rule! {
    /// ## What it does
    /// Checks Lambda function URLs (`AWS::Lambda::Url`, and `FunctionUrlConfig` of SAM
    /// functions, `Globals` included) for `AuthType: NONE`.
    ///
    /// ## Why is this bad?
    /// A function URL without auth is a public HTTPS endpoint: anyone who finds the URL
    /// can invoke the function, as often as they like, at your cost.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     FunctionUrlConfig:
    ///       AuthType: NONE
    /// ```
    ///
    /// ## Fix
    /// Use `AuthType: AWS_IAM` and sign requests, or put the function behind API Gateway
    /// or CloudFront with an authorizer. A URL that must be public should check requests
    /// itself and say so with a suppression.
    pub struct FunctionUrlWithoutAuth {
        id: "SEC025",
        name: "function-url-without-auth",
        title: "Lambda function URLs require authentication",
        severity: High,
        resource_types: ["AWS::Lambda::Url", "AWS::Serverless::Function"],
        equivalents: { "checkov": ["CKV_AWS_258"] },
    }
}

impl Rule for FunctionUrlWithoutAuth {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        for e in model.exposure() {
            if e.switch == Switch::FunctionUrlAuth && e.state == SwitchState::Unprotected {
                out.add_at(
                    &e.pointer,
                    format!(
                        "the function URL of `{}` has `AuthType: NONE`: anyone can invoke it",
                        e.resource
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC025", "tests/fixtures/sec025.yaml"));
    }
}
