use preflight_policy::prelude::*;

use crate::support::{Once, allowed_with_not, has_statements, model, principals, subject};

declare_rule! {
    /// ## What it does
    /// Checks trust and resource policies (role trust, bucket, queue, topic, key and other
    /// resource policies) for a statement that combines `Effect: Allow` with
    /// `NotPrincipal`.
    ///
    /// ## Why is this bad?
    /// `Allow` + `NotPrincipal` grants access to everyone except the listed principals:
    /// every other account, and anonymous users too.
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
    ///           NotPrincipal: {AWS: arn:aws:iam::111122223333:root}
    ///           Action: sqs:SendMessage
    ///           Resource: !GetAtt Queue.Arn
    /// ```
    ///
    /// ## Fix
    /// Name the principals that are allowed with `Principal`. `NotPrincipal` belongs in
    /// `Deny` statements only.
    pub struct AllowNotPrincipal {
        id: "SEC007",
        name: "allow-not-principal",
        title: "Allow statements do not use NotPrincipal",
        severity: High,
        equivalents: { "cfn_nag": ["F6", "F7", "F8", "F9"] },
    }
}

impl Rule for AllowNotPrincipal {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, None)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for (s, first) in allowed_with_not(&model, principals) {
            once.add(
                &first.pointer,
                format!(
                    "{} allows every principal except the `NotPrincipal` list, anonymous users included",
                    subject(s)
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
        insta::assert_snapshot!(render_rule("SEC007", "tests/fixtures/sec007.yaml"));
    }
}
