//! Whether the stack was changed outside the gate: the template CloudFormation has now,
//! compared with the one it had right after the last gated deploy (recorded then in
//! `.preflight/state/<stack>.deployed.json`). Both are in the form the deploy command
//! submits (packaged, or expanded when it transforms locally), so any difference is a
//! change made by someone else, and the security changes between them say what it did.

use serde::Serialize;
use serde_json::Value;

use crate::gate::changes::SecurityChanges;

/// What the deployed template was compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum DriftBasis {
    /// The template CloudFormation had after the last gated deploy.
    Recorded,
    /// The gate's baseline itself (no record yet; security-relevant changes only,
    /// since the deployed form may differ from the source in other ways).
    Baseline,
}

/// The stack changed outside the gate, or not.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    /// What the deployed template was compared with.
    pub compared_with: DriftBasis,
    /// Whether it differs.
    pub changed: bool,
    /// The security-relevant part of the difference, from the gate's last deploy to
    /// the stack as deployed now.
    pub changes: Option<SecurityChanges>,
}

/// Compares the deployed template with what the gate last deployed: the record of it
/// when there is one, else the baseline, when both are in the same form (both SAM, or
/// both plain CloudFormation). `None` when there is nothing comparable.
pub fn drift(
    recorded: Option<&Value>,
    baseline: Option<&Value>,
    deployed: &Value,
) -> Option<Drift> {
    if let Some(recorded) = recorded {
        let changed = recorded != deployed;
        return Some(Drift {
            compared_with: DriftBasis::Recorded,
            changed,
            changes: changed
                .then(|| SecurityChanges::new(preflight_policy::diff::diff(recorded, deployed))),
        });
    }
    let baseline = baseline?;
    if is_sam(baseline) != is_sam(deployed) {
        return None;
    }
    let changes = SecurityChanges::new(preflight_policy::diff::diff(baseline, deployed));
    Some(Drift {
        compared_with: DriftBasis::Baseline,
        changed: !changes.is_empty(),
        changes: (!changes.is_empty()).then_some(changes),
    })
}

fn is_sam(template: &Value) -> bool {
    let names_sam = |v: &Value| v.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"));
    match template.get("Transform") {
        Some(Value::Array(list)) => list.iter().any(names_sam),
        Some(v) => names_sam(v),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn role(actions: &[&str]) -> Value {
        json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}]
        }}}})
    }

    #[test]
    fn a_change_outside_the_gate_is_drift_with_its_security_changes() {
        let recorded = role(&["s3:GetObject"]);
        let same = drift(Some(&recorded), None, &recorded).unwrap();
        assert!(!same.changed && same.changes.is_none());
        let widened = drift(Some(&recorded), None, &role(&["s3:GetObject", "s3:*"])).unwrap();
        assert!(widened.changed);
        assert_eq!(widened.compared_with, DriftBasis::Recorded);
        let changes = widened.changes.unwrap();
        assert!(changes.broadening(), "{:?}", changes.set);
    }

    #[test]
    fn without_a_record_only_templates_of_one_form_are_compared() {
        let cfn = role(&["s3:GetObject"]);
        let sam = json!({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}});
        assert!(drift(None, Some(&sam), &cfn).is_none());
        let d = drift(None, Some(&cfn), &role(&["s3:GetObject"])).unwrap();
        assert_eq!(d.compared_with, DriftBasis::Baseline);
        assert!(!d.changed);
        assert!(drift(None, None, &cfn).is_none());
    }
}
