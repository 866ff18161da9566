//! IAM statements, principals and managed policies, as the IAM and resource policy
//! rules (SEC001-SEC012, SEC022, SEC023) read them from the permission model.

use preflight_policy::permissions::{
    Effect, Element, Model, Origin, PolicyKind, Statement, Targets, has_wildcard,
};
use preflight_policy::{Context, Findings, Severity};

use super::{Once, Say, model, owner_phrase};

/// Whether the statement's effect is literally `Allow`.
pub fn is_allow(s: &Statement) -> bool {
    s.effect == Effect::Allow
}

/// Whether an action is `*` or a whole service (`s3:*`), as cfn_nag counts wildcards.
pub fn is_wildcard_action(action: &str) -> bool {
    action == "*"
        || action
            .strip_suffix(":*")
            .is_some_and(|service| !service.is_empty() && !service.contains('*'))
}

/// Whether a statement comes from SAM itself rather than from what the template wrote:
/// SAM policy templates (AWS's own least-privilege documents) and the statements SAM
/// adds by itself.
pub fn is_sam_generated(s: &Statement) -> bool {
    matches!(
        s.origin,
        Origin::SamTemplate { .. } | Origin::SamImplicit { .. }
    )
}

/// A statement's `Action` / `NotAction`.
pub fn actions(s: &Statement) -> &Targets {
    &s.actions
}

/// A statement's `Resource` / `NotResource`.
pub fn resources(s: &Statement) -> &Targets {
    &s.resources
}

/// A statement's `Principal` / `NotPrincipal`.
pub fn principals(s: &Statement) -> &Targets {
    &s.principals
}

/// Whether an identity statement allows `*` on `*` (what SEC001 reports; SEC002-SEC004
/// leave such statements to it).
pub fn is_full_admin(s: &Statement) -> bool {
    s.kind == PolicyKind::Identity
        && is_allow(s)
        && !s.actions.not
        && !s.resources.not
        && s.actions.strings().any(|a| a == "*")
        && s.resources.strings().any(|r| r == "*")
}

/// The identity statements the template writes itself (not SAM's own policy templates
/// and implicit statements) that are not full administrator access: what SEC002 and
/// SEC003 judge.
pub fn written_identity_statements(model: &Model) -> impl Iterator<Item = &Statement> + '_ {
    model
        .statements_of_kind(PolicyKind::Identity)
        .filter(|s| !is_full_admin(s) && !is_sam_generated(s))
}

/// The `Allow` statements among `statements` whose field (`Action`, `Resource`,
/// `Principal`) is not negated.
pub fn allowed<'m>(
    statements: impl Iterator<Item = &'m Statement> + 'm,
    field: fn(&Statement) -> &Targets,
) -> impl Iterator<Item = &'m Statement> + 'm {
    statements.filter(move |s| is_allow(s) && !field(s).not)
}

/// The values of that field in those statements, each with its statement.
pub fn allowed_values<'m>(
    statements: impl Iterator<Item = &'m Statement> + 'm,
    field: fn(&Statement) -> &Targets,
) -> impl Iterator<Item = (&'m Statement, &'m Element)> + 'm {
    allowed(statements, field).flat_map(move |s| field(s).values.iter().map(move |v| (s, v)))
}

/// The `Allow` statements (of every kind) whose field is negated (`NotAction`,
/// `NotResource`, `NotPrincipal`), each with the field's first value: where a finding
/// about it points.
pub fn allowed_with_not(
    model: &Model,
    field: fn(&Statement) -> &Targets,
) -> impl Iterator<Item = (&Statement, &Element)> + '_ {
    model
        .statements()
        .filter(move |s| is_allow(s) && field(s).not)
        .filter_map(move |s| field(s).values.first().map(|first| (s, first)))
}

/// Condition keys that tie a statement with a wildcard principal to a known account,
/// organisation, source, network or identity.
const NARROWING_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "aws:username",
    "aws:calledvia",
    "kms:calleraccount",
    "kms:viaservice",
    "lambda:eventsourcetoken",
    "sts:externalid",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
    "sns:endpoint",
    "cognito-identity.amazonaws.com:aud",
    "token.actions.githubusercontent.com:sub",
    "token.actions.githubusercontent.com:aud",
];

/// The condition keys of a statement that narrow who can use it (lower case).
pub fn narrowing_keys(s: &Statement) -> Vec<String> {
    let mut keys: Vec<String> = s
        .conditions
        .iter()
        .map(|c| c.key.to_ascii_lowercase())
        .filter(|k| NARROWING_KEYS.contains(&k.as_str()) || k.ends_with(":aud"))
        .collect();
    keys.dedup();
    keys
}

/// `conditions on k1, k2` for the narrowing condition keys of a statement, if any.
pub fn narrowing_conditions(s: &Statement) -> Option<String> {
    let keys = narrowing_keys(s);
    (!keys.is_empty()).then(|| format!("conditions on {}", keys.join(", ")))
}

/// `message` as it is when nothing narrows it; otherwise `message, <how> <what narrows
/// it>` (joined with `and`) at the lower `severity`.
pub fn unless_narrowed(
    message: String,
    narrowing: &[String],
    how: &str,
    severity: Severity,
) -> Say {
    if narrowing.is_empty() {
        Say::from(message)
    } else {
        Say::at(
            format!("{message}, {how} {}", narrowing.join(" and ")),
            severity,
        )
    }
}

/// Whether a principal element (`TYPE:value`) is a wildcard: `*` anywhere in the value,
/// as cfn_nag counts it (`AWS:*`, `AWS:arn:aws:iam::*:root`, and also
/// `AWS:arn:aws:iam::123456789012:role/*`, which the SDK's
/// [`Targets::has_star`](preflight_policy::permissions::Targets::has_star) does not
/// count as anyone).
pub fn is_wildcard_principal(principal: &str) -> bool {
    let value = principal.split_once(':').map_or(principal, |(_, v)| v);
    has_wildcard(value) || principal == "*"
}

/// The AWS managed policy an ARN names, if any (`AdministratorAccess`,
/// `job-function/SystemAdministrator`), with any partition.
pub fn aws_managed_name(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":iam::aws:policy/")?;
    Some(rest)
}

/// Whether the template attaches managed policies: the managed policy rules apply then.
pub fn has_managed_policies(cx: &Context<'_>) -> bool {
    !model(cx).managed_policies().is_empty()
}

/// Reports the AWS managed policies attached in the template that `message` has
/// something to say about, once per attaching node. `message` gets the policy's name
/// (after `policy/`) and who gets it, as a phrase (`role `R``).
pub fn report_managed_policies(
    cx: &Context<'_>,
    out: &mut Findings,
    message: impl Fn(&str, String) -> Option<String>,
) {
    let model = model(cx);
    let mut once = Once::new(out);
    for p in model.managed_policies() {
        let Some(name) = aws_managed_name(&p.arn) else {
            continue;
        };
        if let Some(text) = message(name, owner_phrase(&p.owner_type, &p.owner)) {
            once.add(&p.pointer, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_actions() {
        assert!(is_wildcard_action("*"));
        assert!(is_wildcard_action("s3:*"));
        assert!(!is_wildcard_action("s3:Get*"));
        assert!(!is_wildcard_action(":*"));
    }
}
