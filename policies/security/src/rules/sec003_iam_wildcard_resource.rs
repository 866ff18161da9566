use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{
    Once, allowed, has_statements, model, resources, subject, written_identity_statements,
};

declare_rule! {
    /// ## What it does
    /// Checks identity policies (including the inline `Policies` of SAM functions) for an
    /// `Allow` statement with `Resource: "*"` that grants at least one action which can be
    /// limited to particular resources. Statements whose actions all work on `*` only
    /// (`List*`, `Describe*`, X-Ray, `cloudwatch:PutMetricData`, the network interface
    /// actions Lambda needs in a VPC, log delivery, ...) pass, as do the log-writing
    /// actions `AWSLambdaBasicExecutionRole` itself grants on `*`, SAM policy templates and
    /// SEC001's administrator statements.
    ///
    /// ## Why is this bad?
    /// `Resource: "*"` applies the actions to every bucket, table, queue or key in the
    /// account, present and future, not only the ones the code uses.
    ///
    /// ## Example
    /// ```yaml
    /// Function:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Policies:
    ///       - Statement:
    ///           - Effect: Allow
    ///             Action: [s3:GetObject, s3:PutObject]
    ///             Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// Name the resources: `!Sub "${Bucket.Arn}/*"`, `!GetAtt Table.Arn`.
    pub struct IamWildcardResource {
        id: "SEC003",
        name: "iam-wildcard-resource",
        title: "IAM statements name the resources they apply to",
        severity: Medium,
        equivalents: { "cfn_nag": ["W11", "W12", "W13"] },
    }
}

/// Actions that take no resource other than `*`, by exact name (lower case).
const RESOURCELESS: &[&str] = &[
    "xray:puttracesegments",
    "xray:puttelemetryrecords",
    "xray:getsamplingrules",
    "xray:getsamplingtargets",
    "xray:getsamplingstatisticsummaries",
    "cloudwatch:putmetricdata",
    "cloudwatch:getmetricdata",
    "cloudwatch:getmetricstatistics",
    "ec2:createnetworkinterface",
    "ec2:deletenetworkinterface",
    "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses",
    "ec2:detachnetworkinterface",
    "sts:getcalleridentity",
    "ecr:getauthorizationtoken",
    "secretsmanager:getrandompassword",
    "translate:translatetext",
    "comprehend:detectsentiment",
    "comprehend:detectentities",
    "comprehend:detectkeyphrases",
    "comprehend:detectdominantlanguage",
    "rekognition:detectlabels",
    "rekognition:detectfaces",
    "rekognition:detecttext",
    "rekognition:detectmoderationlabels",
    "rekognition:comparefaces",
    "textract:detectdocumenttext",
    "textract:analyzedocument",
    "textract:startdocumenttextdetection",
    "textract:startdocumentanalysis",
    "textract:getdocumenttextdetection",
    "textract:getdocumentanalysis",
    "transcribe:starttranscriptionjob",
    "transcribe:gettranscriptionjob",
    "cloudformation:validatetemplate",
    // What AWSLambdaBasicExecutionRole itself grants on `*`.
    "logs:createloggroup",
    "logs:createlogstream",
    "logs:putlogevents",
    // Log delivery for Step Functions, API Gateway and others: `*` only.
    "logs:createlogdelivery",
    "logs:getlogdelivery",
    "logs:updatelogdelivery",
    "logs:deletelogdelivery",
    "logs:putresourcepolicy",
    "iam:getaccountpasswordpolicy",
];

/// Whether an action works on `*` only (or is read-only metadata that is normally
/// granted on `*`): by name, or a `List*` / `Describe*` action.
pub fn is_resourceless(action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    if RESOURCELESS.contains(&lower.as_str()) {
        return true;
    }
    match lower.split_once(':') {
        Some((_, verb)) => verb.starts_with("list") || verb.starts_with("describe"),
        None => false,
    }
}

impl Rule for IamWildcardResource {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Identity))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for s in allowed(written_identity_statements(&model), resources) {
            let Some(star) = s.resources.values.iter().find(|e| e.value == "*") else {
                continue;
            };
            let scoped: Vec<&str> = s
                .actions
                .strings()
                .filter(|a| s.actions.not || !is_resourceless(a))
                .collect();
            if scoped.is_empty() {
                continue;
            }
            let shown: Vec<String> = if s.actions.not {
                vec!["every action but its `NotAction` list".to_string()]
            } else {
                scoped.iter().take(3).map(|a| format!("`{a}`")).collect()
            };
            let more = if !s.actions.not && scoped.len() > 3 {
                format!(" and {} more", scoped.len() - 3)
            } else {
                String::new()
            };
            once.add(
                &star.pointer,
                format!(
                    "{} allows {}{more} on every resource (`Resource: *`)",
                    subject(s),
                    shown.join(", ")
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
        insta::assert_snapshot!(render_rule("SEC003", "tests/fixtures/sec003.yaml"));
    }
}
