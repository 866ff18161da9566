use preflight_policy::permissions::{PolicyKind, Statement};
use preflight_policy::prelude::*;

use crate::support::{
    Once, actions, allowed_values, has_statements, is_wildcard_action, model, narrowing_conditions,
    subject, unless_narrowed,
};

declare_rule! {
    /// ## What it does
    /// Checks resource policies (bucket, queue, topic, key, secret, repository and other
    /// resource policies) for an `Allow` statement whose `Action` is `*` or a whole
    /// service (`s3:*`, `sqs:*`). The standard KMS key policy statement that gives the
    /// key's own account `kms:*` (so that IAM policies can grant use of the key) passes.
    /// A statement narrowed by a condition on the caller's account, organisation, source
    /// or VPC endpoint (such as the S3 access point delegation pattern) is reported at
    /// medium severity.
    ///
    /// ## Why is this bad?
    /// The principals of the statement get every action on the resource: they can delete
    /// it, or rewrite its policy to lock the owner out or let others in.
    ///
    /// ## Example
    /// ```yaml
    /// QueuePolicy:
    ///   Type: AWS::SQS::QueuePolicy
    ///   Properties:
    ///     Queues: [!Ref Queue]
    ///     PolicyDocument:
    ///       Statement:
    ///         - Effect: Allow
    ///           Principal: {Service: events.amazonaws.com}
    ///           Action: sqs:*
    ///           Resource: !GetAtt Queue.Arn
    /// ```
    ///
    /// ## Fix
    /// Allow only the actions the principal needs (`sqs:SendMessage`, `s3:GetObject`).
    pub struct ResourcePolicyWildcardAction {
        id: "SEC023",
        name: "resource-policy-wildcard-action",
        title: "Resource policies do not allow wildcard actions",
        severity: High,
        equivalents: { "cfn_nag": ["F15", "F20"] },
    }
}

/// The default key policy statement: the key's own account root gets `kms:*`.
fn is_default_key_statement(s: &Statement) -> bool {
    s.owner_type == "AWS::KMS::Key"
        && !s.principals.is_empty()
        && s.principals.strings().all(|p| {
            p.starts_with("AWS:") && p.ends_with(":root") && p.contains("${AWS::AccountId}")
        })
}

impl Rule for ResourcePolicyWildcardAction {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, Some(PolicyKind::Resource))
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        let statements = model
            .statements_of_kind(PolicyKind::Resource)
            .filter(|s| !is_default_key_statement(s));
        for (s, a) in allowed_values(statements, actions) {
            if !is_wildcard_action(&a.value) {
                continue;
            }
            let who: Vec<&str> = s.principals.strings().take(2).collect();
            let to = if who.is_empty() {
                String::new()
            } else {
                format!(" to `{}`", who.join("`, `"))
            };
            let narrowing: Vec<String> = narrowing_conditions(s).into_iter().collect();
            unless_narrowed(
                format!("{} allows `{}`{to}", subject(s), a.value),
                &narrowing,
                "narrowed by",
                Severity::Medium,
            )
            .add_once(&mut once, &a.pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC023", "tests/fixtures/sec023.yaml"));
    }
}
