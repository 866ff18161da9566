use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{
    Once, allowed_values, has_statements, is_wildcard_principal, model, narrowing_conditions,
    principals, subject, unless_narrowed,
};

declare_rule! {
    /// ## What it does
    /// Checks resource policies (S3 bucket policies, SQS queue and SNS topic policies, KMS
    /// key policies, Secrets Manager, ECR, API Gateway and other resource policies, and
    /// `AWS::Lambda::Permission`) for an `Allow` statement whose principal is anyone
    /// (`"*"`, `{AWS: "*"}`, or an ARN with a wildcard). When a condition ties it to an
    /// account, organisation, source ARN, VPC endpoint or address range, or the policy
    /// belongs to a private API, the finding is kept at low severity, naming what narrows
    /// it, for review. VPC endpoint policies are not judged: they limit what passes
    /// through the endpoint and expose nothing.
    ///
    /// ## Why is this bad?
    /// Without a narrowing condition the resource is public: anyone, with or without an
    /// AWS account, can read the bucket, send to the queue, publish to the topic, use the
    /// key or invoke the function.
    ///
    /// ## Example
    /// ```yaml
    /// BucketPolicy:
    ///   Type: AWS::S3::BucketPolicy
    ///   Properties:
    ///     Bucket: !Ref Bucket
    ///     PolicyDocument:
    ///       Statement:
    ///         - Effect: Allow
    ///           Principal: "*"
    ///           Action: s3:GetObject
    ///           Resource: !Sub "${Bucket.Arn}/*"
    /// ```
    ///
    /// ## Fix
    /// Name the principals (accounts, roles, service principals with `aws:SourceArn`), or
    /// add a condition that narrows the statement; serve public content through
    /// CloudFront with origin access control.
    pub struct ResourcePolicyAnyPrincipal {
        id: "SEC022",
        name: "resource-policy-any-principal",
        title: "Resource policies do not allow any principal",
        severity: High,
        equivalents: {
            "cfn_nag": ["F13", "F16", "F18", "F21", "F76"],
            "checkov": ["CKV_AWS_32", "CKV_AWS_33"],
        },
    }
}

/// Whether the policy belongs to an API reachable only through VPC endpoints: a private
/// custom domain (`AWS::ApiGateway::DomainNameV2`) or a REST API with a `PRIVATE`
/// endpoint.
fn private_api(t: &Template<'_>, owner: &str, owner_type: &str) -> bool {
    match owner_type {
        "AWS::ApiGateway::DomainNameV2" => true,
        "AWS::ApiGateway::RestApi" | "AWS::Serverless::Api" => t.resource(owner).is_some_and(|r| {
            let Some(config) = r.property("EndpointConfiguration") else {
                return false;
            };
            let types = config
                .get("Types")
                .map(|n| n.one_or_many())
                .unwrap_or_default();
            let text = config.as_str().map(str::to_string);
            types.iter().any(|n| n.as_str() == Some("PRIVATE"))
                || text.as_deref() == Some("PRIVATE")
                || config.get("Type").and_then(|n| n.as_str()) == Some("PRIVATE")
        }),
        _ => false,
    }
}

impl Rule for ResourcePolicyAnyPrincipal {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Resource))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        // VPC endpoint policies limit what passes through the endpoint: `*` there
        // exposes nothing to the internet.
        let statements = model
            .statements_of_kind(PolicyKind::Resource)
            .filter(|s| !s.is_endpoint_policy());
        for (s, p) in allowed_values(statements, principals) {
            if !is_wildcard_principal(&p.value) {
                continue;
            }
            let mut narrowing: Vec<String> = narrowing_conditions(s).into_iter().collect();
            if private_api(&cx.template, &s.owner, &s.owner_type) {
                narrowing.push("the API being private (reached through VPC endpoints)".to_string());
            }
            let actions: Vec<String> = s
                .actions
                .strings()
                .take(3)
                .map(|a| format!("`{a}`"))
                .collect();
            let what = if actions.is_empty() {
                String::new()
            } else {
                format!(" {}", actions.join(", "))
            };
            unless_narrowed(
                format!(
                    "{} allows{what} to any principal (`{}`)",
                    subject(s),
                    p.value
                ),
                &narrowing,
                "narrowed only by",
                Severity::Low,
            )
            .add_once(&mut once, &p.pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC022", "tests/fixtures/sec022.yaml"));
    }
}
