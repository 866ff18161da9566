use std::collections::HashSet;

use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::data;
use crate::iam::written_statements;

declare_rule! {
    /// ## What it does
    /// Checks that every `Resource` of the template's identity policies is `*` or an
    /// ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`; IAM also takes shortened
    /// forms with wildcards, so any value starting `arn:` passes). Values built with
    /// `Fn::Sub` are judged with their placeholders filled in; values that are wholly a
    /// `Ref` or `Fn::GetAtt` are not judged. Resource policies are left to their
    /// services (`execute-api:/*` is API Gateway's shorthand).
    ///
    /// ## Why is this bad?
    /// IAM rejects the document ("MalformedPolicyDocument: Resource my-bucket/* must be
    /// in ARN format or \"*\"") and the stack rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Statement:
    ///   - Effect: Allow
    ///     Action: s3:GetObject
    ///     Resource: my-bucket/*
    /// ```
    ///
    /// ## Fix
    /// Write the ARN (`arn:aws:s3:::my-bucket/*`, or `!Sub "${Bucket.Arn}/*"`).
    pub struct IamResourceArn {
        id: "SCH013",
        name: "iam-resource-arn",
        title: "IAM policy resources are ARNs",
        severity: High,
        equivalents: { "cfn-lint": ["E3510", "E3512"], "cloudformation-validate": ["E3510", "E3512"] },
    }
}

impl Rule for IamResourceArn {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let meta = data::meta();
        let Some(arn) = meta.arn_pattern.as_ref() else {
            return;
        };
        let mut seen: HashSet<String> = HashSet::new();
        for s in written_statements(cx).0.iter() {
            // Services read their own resource policies (`execute-api:/*` is API
            // Gateway's shorthand); IAM's ARN rule holds for identity policies.
            if s.kind != PolicyKind::Identity {
                continue;
            }
            for e in &s.resources.values {
                let value = e.value.as_str();
                if value.starts_with("${") || !seen.insert(e.pointer.clone()) {
                    continue;
                }
                // IAM takes shortened ARNs with wildcards (`arn:aws:sns:*:*`), so only
                // values that are no ARN at all are judged against the ARN shape.
                let filled = fill_placeholders(value);
                if !filled.starts_with("arn:") && !arn.is_match(&filled) {
                    out.add_at(
                        &e.pointer,
                        format!(
                            "`{value}` is not an ARN: a policy resource is `*` or `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`"
                        ),
                    );
                }
            }
        }
    }

    fn applies(&self, cx: &Context, _: &preflight_policy::RuleMeta) -> bool {
        cx.template.resources().next().is_some()
    }
}

/// `${AWS::Partition}` → `aws`, any other placeholder → `*` (which the ARN shape
/// accepts in every field).
fn fill_placeholders(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 2..start + len];
        out.push_str(if name == "AWS::Partition" { "aws" } else { "*" });
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SCH013", "tests/fixtures/sch013.yaml"));
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            super::fill_placeholders("arn:${AWS::Partition}:s3:::${B}/*"),
            "arn:aws:s3:::*/*"
        );
    }
}
