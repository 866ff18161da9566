use preflight_policy::permissions::is_no_value;
use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks `AWS::Lambda::Permission` resources that let an AWS service principal
    /// (`s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`, ...) invoke a
    /// function for a `SourceArn` or `SourceAccount` that limits which resource of the
    /// service may do it. (Permissions SAM writes for function `Events` always set one.)
    ///
    /// ## Why is this bad?
    /// Without them, any resource of that service, in any account, can invoke the
    /// function: someone else's bucket notification or SNS topic can call it with data
    /// of their choosing (the "confused deputy").
    ///
    /// ## Example
    /// ```yaml
    /// Permission:
    ///   Type: AWS::Lambda::Permission
    ///   Properties:
    ///     Action: lambda:InvokeFunction
    ///     FunctionName: !Ref Function
    ///     Principal: s3.amazonaws.com
    /// ```
    ///
    /// ## Fix
    /// Add `SourceArn` (the bucket, topic or rule ARN) and, for S3, `SourceAccount`.
    pub struct LambdaPermissionWithoutSource {
        id: "SEC024",
        name: "lambda-permission-without-source",
        title: "Lambda permissions for AWS services name their source",
        severity: Medium,
        resource_types: ["AWS::Lambda::Permission"],
        equivalents: { "checkov": ["CKV_AWS_364"] },
    }
}

impl Rule for LambdaPermissionWithoutSource {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for p in cx.template.resources_of_type("AWS::Lambda::Permission") {
            let Some(principal) = p.property("Principal") else {
                continue;
            };
            let Some(service) = principal.as_str() else {
                continue;
            };
            if !(service.ends_with(".amazonaws.com") || service.ends_with(".amazonaws.com.cn")) {
                continue;
            }
            let set = |k: &str| p.property(k).is_some_and(|n| !is_no_value(n.value()));
            if set("SourceArn") || set("SourceAccount") || set("PrincipalOrgID") {
                continue;
            }
            out.add(
                &principal,
                format!(
                    "permission `{}` lets `{service}` invoke the function from any source: no `SourceArn` or `SourceAccount`",
                    p.id
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC024", "tests/fixtures/sec024.yaml"));
    }
}
