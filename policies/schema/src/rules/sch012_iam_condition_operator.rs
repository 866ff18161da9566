use std::collections::HashSet;

use preflight_policy::prelude::*;

use crate::data;
use crate::iam::written_statements;

declare_rule! {
    /// ## What it does
    /// Checks that every condition operator in the template's IAM policy documents is
    /// one IAM has (`StringEquals`, `ArnLike`, `NumericLessThan`, `Bool`, `IpAddress`,
    /// ..., with the `ForAnyValue:`/`ForAllValues:` prefixes and the `IfExists` suffix).
    ///
    /// ## Why is this bad?
    /// IAM rejects the policy document ("MalformedPolicyDocument: Invalid Condition
    /// type"), so the stack fails and rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Condition:
    ///   StringEqual:
    ///     aws:SourceAccount: !Ref AWS::AccountId
    /// ```
    ///
    /// ## Fix
    /// Use the operator's real name (`StringEquals`).
    pub struct IamConditionOperator {
        id: "SCH012",
        name: "iam-condition-operator",
        title: "IAM condition operators exist",
        severity: High,
        equivalents: { "cfn-lint": ["E3510", "E3512"], "cloudformation-validate": ["E3510", "E3512"] },
    }
}

const KNOWN: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

impl Rule for IamConditionOperator {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let meta = data::meta();
        let mut seen: HashSet<String> = HashSet::new();
        for s in written_statements(cx).0.iter() {
            for c in &s.conditions {
                let op = c.operator.as_str();
                let at = c
                    .pointer
                    .rsplit_once('/')
                    .map(|(p, _)| p)
                    .unwrap_or(&c.pointer);
                if op.starts_with("Fn::") || op == "Ref" || !seen.insert(at.to_string()) {
                    continue;
                }
                let ok = meta.condition_names.iter().any(|n| n == op)
                    || meta.condition_patterns.iter().any(|r| r.is_match(op));
                if !ok {
                    let bare = op
                        .trim_start_matches("ForAnyValue:")
                        .trim_start_matches("ForAllValues:")
                        .trim_end_matches("IfExists");
                    let hint = crate::suggest(bare, KNOWN.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    out.add_at(at, format!("`{op}` is not an IAM condition operator{hint}"))
                        .highlight(op);
                }
            }
        }
    }

    fn applies(&self, cx: &Context, _: &preflight_policy::RuleMeta) -> bool {
        cx.template.resources().next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SCH012", "tests/fixtures/sch012.yaml"));
    }
}
