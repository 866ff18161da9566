use preflight_policy::prelude::*;

use crate::support::{Once, allowed_with_not, has_statements, model, resources, subject};

declare_rule! {
    /// ## What it does
    /// Checks every policy document (including SAM function `Policies`) for a statement
    /// that combines `Effect: Allow` with `NotResource`.
    ///
    /// ## Why is this bad?
    /// `Allow` + `NotResource` applies the actions to every resource except the listed
    /// ones, including resources created later, in this stack or any other.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Allow
    ///   Action: s3:DeleteObject
    ///   NotResource: !Sub "${AuditBucket.Arn}/*"
    /// ```
    ///
    /// ## Fix
    /// Name the resources with `Resource`; express exceptions with a `Deny` statement.
    pub struct AllowNotResource {
        id: "SEC006",
        name: "allow-not-resource",
        title: "Allow statements do not use NotResource",
        severity: Medium,
        equivalents: { "cfn_nag": ["W21", "W22", "W23"] },
    }
}

impl Rule for AllowNotResource {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, None)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for (s, first) in allowed_with_not(&model, resources) {
            once.add(
                &first.pointer,
                format!(
                    "{} applies its actions to every resource except the `NotResource` list",
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
        insta::assert_snapshot!(render_rule("SEC006", "tests/fixtures/sec006.yaml"));
    }
}
