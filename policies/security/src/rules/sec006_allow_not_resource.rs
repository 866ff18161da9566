use preflight_policy::prelude::*;

use crate::support::{Seen, is_allow, model, subject};

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
        model(cx).statements().next().is_some()
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut seen = Seen::default();
        for s in model.statements() {
            if !is_allow(s) || !s.resources.not {
                continue;
            }
            let Some(first) = s.resources.values.first() else {
                continue;
            };
            if seen.first(&first.pointer) {
                out.add_at(
                    &first.pointer,
                    format!(
                        "{} applies its actions to every resource except the `NotResource` list",
                        subject(s)
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
        insta::assert_snapshot!(render_rule("SEC006", "tests/fixtures/sec006.yaml"));
    }
}
