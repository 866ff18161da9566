use preflight_policy::permissions::PolicyKind;
use preflight_policy::prelude::*;

use crate::support::{Once, Say, actions, allowed_with_not, has_statements, model, subject};

declare_rule! {
    /// ## What it does
    /// Checks every policy document (identity, trust and resource policies, including SAM
    /// function `Policies`) for a statement that combines `Effect: Allow` with
    /// `NotAction`.
    ///
    /// ## Why is this bad?
    /// `Allow` + `NotAction` allows every action except the listed ones, including every
    /// action AWS adds later. It is almost always broader than intended; with
    /// `Resource: "*"` in an identity policy it is close to administrator access.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Allow
    ///   NotAction: iam:*
    ///   Resource: "*"
    /// ```
    ///
    /// ## Fix
    /// List the allowed actions with `Action`. To carve out exceptions, pair an `Allow`
    /// with a `Deny` + `NotAction` statement instead.
    pub struct AllowNotAction {
        id: "SEC005",
        name: "allow-not-action",
        title: "Allow statements do not use NotAction",
        severity: Medium,
        equivalents: {
            "cfn_nag": ["W14", "W15", "W16", "W17", "W18", "W19", "W20"],
        },
    }
}

impl Rule for AllowNotAction {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        has_statements(cx, None)
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let model = model(cx);
        let mut once = Once::new(out);
        for (s, first) in allowed_with_not(&model, actions) {
            let except: Vec<String> = s.actions.strings().map(|a| format!("`{a}`")).collect();
            let message = format!(
                "{} allows every action except {} (`Allow` with `NotAction`)",
                subject(s),
                except.join(", ")
            );
            let say = if s.kind == PolicyKind::Identity && s.resources.is_unbounded() {
                Say::at(message, Severity::High)
            } else {
                Say::from(message)
            };
            say.add_once(&mut once, &first.pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC005", "tests/fixtures/sec005.yaml"));
    }
}
