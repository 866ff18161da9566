//! IAM statement changes: exact matching, pairing into modifications, and coverage.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;
use serde_json::{Value, json};

use crate::permissions::{
    Effect, Element, Model, PolicyKind, Statement, Targets, canonical_json, guard_implies,
    has_wildcard, wildcard_match,
};

use super::{Category, Change, ChangeKind, Detail};

/// A statement as it applies to one scope: one identity for identity policies, one
/// role for trust policies, one resource for resource policies. A policy attached to
/// two roles is two effective statements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectiveStatement {
    /// The identity or resource it applies to (an entry of
    /// [`Statement::applies_to`], or `${Owner}` when that is empty).
    pub scope: String,
    /// The statement.
    pub statement: Statement,
}

impl EffectiveStatement {
    /// Every statement of a model, once per scope.
    pub fn all(model: &Model) -> Vec<EffectiveStatement> {
        let mut out = Vec::new();
        for s in model.statements() {
            if s.applies_to.is_empty() {
                out.push(EffectiveStatement {
                    scope: format!("${{{}}}", s.owner),
                    statement: s.clone(),
                });
            } else {
                for scope in &s.applies_to {
                    out.push(EffectiveStatement {
                        scope: scope.clone(),
                        statement: s.clone(),
                    });
                }
            }
        }
        out
    }

    /// The normalised content: what the diff compares and the digest covers.
    pub fn content(&self) -> Value {
        let s = &self.statement;
        let conditions: Vec<Value> = s
            .conditions
            .iter()
            .map(|c| json!({"operator": c.operator, "key": c.key, "values": elements(&c.values)}))
            .collect();
        let mut v = json!({
            "kind": s.kind,
            "owner": s.owner,
            "scope": self.scope,
            "effect": s.effect,
            "actions": targets(&s.actions),
            "resources": targets(&s.resources),
            "principals": targets(&s.principals),
            "conditions": conditions,
        });
        if let Some(map) = v.as_object_mut() {
            if let Some(sid) = &s.sid {
                map.insert("sid".into(), json!(sid));
            }
            if !s.when.is_empty() {
                map.insert("when".into(), json!(s.when));
            }
            if let Some(raw) = &s.raw {
                map.insert("raw".into(), json!(raw));
            }
        }
        v
    }
}

fn elements(values: &[Element]) -> Vec<Value> {
    values
        .iter()
        .map(|e| {
            if e.when.is_empty() {
                json!(e.value)
            } else {
                json!({"value": e.value, "when": e.when})
            }
        })
        .collect()
}

fn targets(t: &Targets) -> Value {
    json!({"not": t.not, "values": elements(&t.values)})
}

/// Whether statement `t` allows (or, for `Deny`, denies) everything `s` does: same
/// effect, every action, resource and principal of `s` matched by `t`, every condition
/// of `t` also required by `s`, and `t` present whenever `s` is.
pub fn covers(t: &Statement, s: &Statement) -> bool {
    t.effect == s.effect
        && t.effect != Effect::Unknown
        && guard_implies(&s.when, &t.when)
        && dimension_covers(&t.actions, &s.actions, true, false)
        && dimension_covers(&t.resources, &s.resources, false, false)
        && dimension_covers(&t.principals, &s.principals, false, true)
        && conditions_cover(t, s)
}

fn matches(pattern: &str, value: &str, ignore_case: bool, principal: bool) -> bool {
    (principal && pattern == "AWS:*") || wildcard_match(pattern, value, ignore_case)
}

fn dimension_covers(t: &Targets, s: &Targets, ignore_case: bool, principal: bool) -> bool {
    let m = |p: &str, v: &str| matches(p, v, ignore_case, principal);
    match (t.not, s.not) {
        (false, false) => {
            if s.values.is_empty() {
                return t.values.is_empty() || t.has_literal_star();
            }
            s.values.iter().all(|sv| {
                t.values
                    .iter()
                    .any(|tv| guard_implies(&sv.when, &tv.when) && m(&tv.value, &sv.value))
            })
        }
        // `t` excludes X, `s` excludes Y: `s` allows less when it excludes all of X.
        (true, true) => t
            .values
            .iter()
            .all(|tv| s.values.iter().any(|sv| m(&sv.value, &tv.value))),
        // `t` allows all but X: covers the values of `s` that X cannot match.
        (true, false) => s.values.iter().all(|sv| {
            !t.values
                .iter()
                .any(|tv| may_overlap(&tv.value, &sv.value, ignore_case, principal))
        }),
        // `s` allows all but Y: only a literal `*` in `t` covers that (any account,
        // `arn:aws:iam::*:root`, leaves out services and anonymous callers).
        (false, true) => t.has_literal_star(),
    }
}

/// Whether pattern `excluded` may match something pattern `value` matches. Exact when
/// `value` has no wildcard; otherwise only values under two different literal prefixes
/// (`iam:*` and `s3:Get*`) are known not to overlap.
fn may_overlap(excluded: &str, value: &str, ignore_case: bool, principal: bool) -> bool {
    if !has_wildcard(value) {
        return matches(excluded, value, ignore_case, principal);
    }
    let prefix = |s: &str| s.split_once(':').map(|(p, _)| p.to_string());
    match (prefix(excluded), prefix(value)) {
        (Some(a), Some(b)) if !has_wildcard(&a) && !has_wildcard(&b) => {
            if ignore_case {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        }
        _ => true,
    }
}

fn conditions_cover(t: &Statement, s: &Statement) -> bool {
    t.conditions.iter().all(|tc| {
        s.conditions.iter().any(|sc| {
            sc.operator == tc.operator
                && sc.key.eq_ignore_ascii_case(&tc.key)
                && !sc.values.is_empty()
                && sc
                    .values
                    .iter()
                    .all(|sv| tc.values.iter().any(|tv| tv.value == sv.value))
        })
    })
}

/// In words, how `new` goes beyond `old` (empty when it does not).
fn widening(old: &Statement, new: &Statement) -> Vec<String> {
    let mut out = Vec::new();
    if old.effect != new.effect {
        out.push(format!("effect {:?} → {:?}", old.effect, new.effect));
        return out;
    }
    let dims = [
        ("actions", &old.actions, &new.actions, true, false),
        ("resources", &old.resources, &new.resources, false, false),
        ("principals", &old.principals, &new.principals, false, true),
    ];
    for (name, o, n, ci, principal) in dims {
        if !dimension_covers(o, n, ci, principal) {
            let wildcard = (n.has_wildcard() && !o.has_wildcard()) || (n.not && !o.not);
            out.push(if wildcard {
                format!(
                    "{name} widen (a wildcard or Not{} appears)",
                    &name[..name.len() - 1]
                )
            } else {
                format!("{name} widen")
            });
        }
    }
    if !conditions_cover(old, new) {
        out.push("a condition is removed or relaxed".into());
    }
    if !guard_implies(&new.when, &old.when) {
        out.push("applies under more Fn::If branches".into());
    }
    out
}

/// Whether adding `s` broadens, given the old statements of its scope; and why.
fn added_broadens(s: &EffectiveStatement, old_scope: &Scope<'_>) -> (bool, String) {
    let st = &s.statement;
    match st.effect {
        Effect::Deny => (false, "adds a Deny statement".into()),
        Effect::Unknown => (
            true,
            "adds a statement that cannot be read (counted as an Allow)".into(),
        ),
        Effect::Allow => {
            if old_scope.any_covers(st) {
                (
                    false,
                    format!(
                        "adds an Allow statement for {} that an existing statement already covers",
                        s.scope
                    ),
                )
            } else if st.has_not() {
                (
                    true,
                    format!(
                        "adds an Allow statement with NotAction/NotResource/NotPrincipal for {}{}",
                        s.scope,
                        endpoint_note(st)
                    ),
                )
            } else {
                (
                    true,
                    format!(
                        "adds an Allow statement for {}{}",
                        s.scope,
                        endpoint_note(st)
                    ),
                )
            }
        }
    }
}

/// For a VPC endpoint policy: it widens what may pass through the endpoint, which is not
/// public access even with a `*` principal.
fn endpoint_note(s: &Statement) -> &'static str {
    if s.is_endpoint_policy() {
        " (a VPC endpoint policy: more may pass through the endpoint)"
    } else {
        ""
    }
}

/// Whether removing `t` broadens, given the new statements of its scope; and why.
fn removed_broadens(t: &EffectiveStatement, new_scope: &Scope<'_>) -> (bool, String) {
    let st = &t.statement;
    match st.effect {
        Effect::Deny => {
            if new_scope.any_covers(st) {
                (
                    false,
                    "removes a Deny statement that another Deny still covers".into(),
                )
            } else {
                (true, format!("removes a Deny statement for {}", t.scope))
            }
        }
        Effect::Unknown => (
            true,
            "removes a statement that cannot be read (it may have been a Deny)".into(),
        ),
        Effect::Allow if st.has_not() => (
            true,
            "removes an Allow statement with a Not* field (cdk diff counts this as broadening)"
                .into(),
        ),
        Effect::Allow => (false, "removes an Allow statement".into()),
    }
}

fn group_key(e: &EffectiveStatement) -> String {
    let s = &e.statement;
    canonical_json(&json!([s.owner, s.kind, e.scope, s.origin]))
}

/// The statements of one scope, indexed by action, so that "does any of them cover this
/// statement" looks at the few that could (those naming one of its actions, or a
/// wildcard over its service, or a pattern the index cannot narrow) instead of all of
/// them: a policy of 5,000 statements would otherwise cost 25 million comparisons.
#[derive(Default)]
struct Scope<'a> {
    all: Vec<&'a EffectiveStatement>,
    /// Normalised literal action → statements naming it.
    exact: HashMap<String, Vec<usize>>,
    /// Normalised service prefix (`s3`) → statements with a wildcard action in it.
    service: HashMap<String, Vec<usize>>,
    /// Statements the index cannot narrow (a wildcard in the service part, `NotAction`,
    /// no actions): always candidates.
    always: Vec<usize>,
}

/// Actions compare without case, as [`wildcard_match`] normalises them.
fn normalise(action: &str) -> String {
    action.chars().flat_map(char::to_lowercase).collect()
}

fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// The service of an action (`s3` of `s3:Get*`) when the part before the first `:`
/// holds no wildcard.
fn service_of(action: &str) -> Option<&str> {
    action
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !is_pattern(s))
}

impl<'a> Scope<'a> {
    fn push(&mut self, e: &'a EffectiveStatement) {
        let i = self.all.len();
        self.all.push(e);
        let actions = &e.statement.actions;
        if actions.not || actions.values.is_empty() {
            self.always.push(i);
            return;
        }
        for value in &actions.values {
            let v = &value.value;
            if !is_pattern(v) {
                self.exact.entry(normalise(v)).or_default().push(i);
            } else if let Some(service) = service_of(v) {
                self.service.entry(normalise(service)).or_default().push(i);
            } else {
                self.always.push(i);
            }
        }
    }

    /// Whether any statement of the scope [`covers`] `s`.
    fn any_covers(&self, s: &Statement) -> bool {
        let actions = &s.actions;
        let Some(first) = actions.values.first().filter(|_| !actions.not) else {
            // Not narrowed by action: compare with every statement.
            return self.all.iter().any(|t| covers(&t.statement, s));
        };
        // A statement that covers `s` matches each of its actions, so its first one.
        let action = &first.value;
        let exact = self.exact.get(&normalise(action));
        let service = service_of(action).and_then(|svc| self.service.get(&normalise(svc)));
        let candidates = exact
            .into_iter()
            .flatten()
            .chain(service.into_iter().flatten())
            .chain(&self.always);
        candidates
            .into_iter()
            .any(|&i| covers(&self.all[i].statement, s))
    }
}

type ScopeIndex<'a> = HashMap<(PolicyKind, &'a str), Scope<'a>>;

fn by_scope(list: &[EffectiveStatement]) -> ScopeIndex<'_> {
    let mut map: ScopeIndex<'_> = HashMap::new();
    for e in list {
        map.entry((e.statement.kind, e.scope.as_str()))
            .or_default()
            .push(e);
    }
    map
}

pub(crate) fn diff(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let olds = EffectiveStatement::all(old);
    let news = EffectiveStatement::all(new);
    let old_contents: Vec<Value> = olds.iter().map(EffectiveStatement::content).collect();
    let new_contents: Vec<Value> = news.iter().map(EffectiveStatement::content).collect();

    // Unchanged statements: exact matches, as a multiset.
    let mut pool: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in new_contents.iter().enumerate().rev() {
        pool.entry(canonical_json(c)).or_default().push(i);
    }
    let mut new_matched = vec![false; news.len()];
    let mut old_left = Vec::new();
    for (i, c) in old_contents.iter().enumerate() {
        match pool.get_mut(&canonical_json(c)).and_then(Vec::pop) {
            Some(j) => new_matched[j] = true,
            None => old_left.push(i),
        }
    }
    let mut new_left: Vec<usize> = (0..news.len()).filter(|j| !new_matched[*j]).collect();

    // Pair what is left into modifications: same owner, kind, scope and policy, then
    // the same `Sid`, else in order among statements without one. Keyed, so pairing is
    // linear in the statements.
    let mut unpaired: HashMap<(String, Option<&str>), VecDeque<usize>> = HashMap::new();
    for &j in &new_left {
        unpaired
            .entry((group_key(&news[j]), news[j].statement.sid.as_deref()))
            .or_default()
            .push_back(j);
    }
    let mut paired = vec![false; news.len()];
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for &i in &old_left {
        let key = (group_key(&olds[i]), olds[i].statement.sid.as_deref());
        match unpaired.get_mut(&key).and_then(VecDeque::pop_front) {
            Some(j) => {
                paired[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            None => pairs.push((Some(i), None)),
        }
    }
    new_left.retain(|&j| !paired[j]);
    pairs.extend(new_left.into_iter().map(|j| (None, Some(j))));

    let old_index = by_scope(&olds);
    let new_index = by_scope(&news);
    let empty = Scope::default();
    for (o, n) in pairs {
        let old_e = o.map(|i| &olds[i]);
        let new_e = n.map(|j| &news[j]);
        let (broadening, reason, cdk, change) = match (old_e, new_e) {
            (None, Some(s)) => {
                let scope = old_index
                    .get(&(s.statement.kind, s.scope.as_str()))
                    .unwrap_or(&empty);
                let (b, why) = added_broadens(s, scope);
                (b, why, !s.statement.is_negative_cdk(), ChangeKind::Added)
            }
            (Some(t), None) => {
                let scope = new_index
                    .get(&(t.statement.kind, t.scope.as_str()))
                    .unwrap_or(&empty);
                let (b, why) = removed_broadens(t, scope);
                (b, why, t.statement.is_negative_cdk(), ChangeKind::Removed)
            }
            (Some(t), Some(s)) => {
                let old_scope = old_index
                    .get(&(s.statement.kind, s.scope.as_str()))
                    .unwrap_or(&empty);
                let new_scope = new_index
                    .get(&(t.statement.kind, t.scope.as_str()))
                    .unwrap_or(&empty);
                let (add_b, _) = added_broadens(s, old_scope);
                let (rem_b, rem_why) = removed_broadens(t, new_scope);
                let widened = widening(&t.statement, &s.statement);
                let why = if add_b && !widened.is_empty() {
                    format!(
                        "widens a statement for {}{}: {}",
                        s.scope,
                        endpoint_note(&s.statement),
                        widened.join(", ")
                    )
                } else if add_b {
                    format!(
                        "changes a statement for {} beyond what any old statement allowed",
                        s.scope
                    )
                } else if rem_b {
                    match t.statement.effect {
                        Effect::Deny => format!("narrows a Deny statement for {}", t.scope),
                        _ => rem_why,
                    }
                } else {
                    format!(
                        "changes a statement for {} within what was allowed before",
                        s.scope
                    )
                };
                let cdk = !s.statement.is_negative_cdk() || t.statement.is_negative_cdk();
                (add_b || rem_b, why, cdk, ChangeKind::Modified)
            }
            (None, None) => continue,
        };
        let any = new_e.or(old_e);
        let Some(any) = any else { continue };
        out.push(Change {
            category: Category::IamStatement,
            change,
            resource: any.statement.owner.clone(),
            broadening,
            reason: Some(reason),
            old: o.map(|i| old_contents[i].clone()),
            new: n.map(|j| new_contents[j].clone()),
            old_pointer: old_e.map(|e| e.statement.pointer.clone()),
            new_pointer: new_e.map(|e| e.statement.pointer.clone()),
            cdk,
            detail: Detail::Statement {
                old: old_e.map(|e| Box::new(e.clone())),
                new: new_e.map(|e| Box::new(e.clone())),
            },
        });
    }
}
