//! Changes other than statements: managed policies, boundaries, memberships, security
//! group rules, IAM Identity Center, exposure switches.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::permissions::{
    Direction, Exposure, Model, NetworkRule, Peer, SsoKind, SwitchState, canonical_json,
    guard_implies,
};

use super::{Category, Change, ChangeKind, Detail};

/// Items of one side that the other lacks: (index, normalised content).
type Only = Vec<(usize, Value)>;

/// Multiset difference by canonical content: (only old, only new).
fn split<T>(old: &[T], new: &[T], key: impl Fn(&T) -> Value) -> (Only, Only) {
    let mut pool: HashMap<String, Vec<usize>> = HashMap::new();
    let new_keys: Vec<Value> = new.iter().map(&key).collect();
    for (i, k) in new_keys.iter().enumerate().rev() {
        pool.entry(canonical_json(k)).or_default().push(i);
    }
    let mut matched = vec![false; new.len()];
    let mut only_old = Vec::new();
    for (i, item) in old.iter().enumerate() {
        let k = key(item);
        match pool.get_mut(&canonical_json(&k)).and_then(Vec::pop) {
            Some(j) => matched[j] = true,
            None => only_old.push((i, k)),
        }
    }
    let only_new = new_keys
        .into_iter()
        .enumerate()
        .filter(|(j, _)| !matched[*j])
        .collect();
    (only_old, only_new)
}

#[allow(clippy::too_many_arguments)]
fn change(
    category: Category,
    kind: ChangeKind,
    resource: &str,
    broadening: bool,
    cdk: bool,
    reason: String,
    old: Option<(Value, String)>,
    new: Option<(Value, String)>,
    detail: Detail,
) -> Change {
    let (old, old_pointer) = old.map_or((None, None), |(v, p)| (Some(v), Some(p)));
    let (new, new_pointer) = new.map_or((None, None), |(v, p)| (Some(v), Some(p)));
    Change {
        category,
        change: kind,
        resource: resource.to_string(),
        broadening,
        reason: Some(reason),
        old,
        new,
        old_pointer,
        new_pointer,
        cdk,
        detail,
    }
}

pub(crate) fn managed_policies(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let key = |p: &crate::permissions::ManagedPolicy| {
        let mut v = json!({"identity": p.identity, "arn": p.arn});
        if !p.when.is_empty() {
            v["when"] = json!(p.when);
        }
        v
    };
    // Attaching the same policy twice is attaching it once.
    let unique = |list: &[crate::permissions::ManagedPolicy]| {
        let mut seen = std::collections::HashSet::new();
        list.iter()
            .filter(|p| seen.insert(canonical_json(&key(p))))
            .cloned()
            .collect::<Vec<_>>()
    };
    let (old_list, new_list) = (
        unique(old.managed_policies()),
        unique(new.managed_policies()),
    );
    let (olds, news) = split(&old_list, &new_list, key);
    for (i, v) in olds {
        let p = &old_list[i];
        out.push(change(
            Category::ManagedPolicy,
            ChangeKind::Removed,
            &p.owner,
            false,
            false,
            format!("detaches {} from {}", p.arn, p.identity),
            Some((v, p.pointer.clone())),
            None,
            Detail::Managed {
                identity: p.identity.clone(),
                arn: p.arn.clone(),
            },
        ));
    }
    for (j, v) in news {
        let p = &new_list[j];
        let how = if p.implicit { " (added by SAM)" } else { "" };
        out.push(change(
            Category::ManagedPolicy,
            ChangeKind::Added,
            &p.owner,
            true,
            true,
            format!("attaches {} to {}{how}", p.arn, p.identity),
            None,
            Some((v, p.pointer.clone())),
            Detail::Managed {
                identity: p.identity.clone(),
                arn: p.arn.clone(),
            },
        ));
    }
}

pub(crate) fn boundaries(old: &Model, new: &Model, new_template: &Value, out: &mut Vec<Change>) {
    let key = |b: &crate::permissions::Boundary| {
        let mut v = json!({"identity": b.identity, "policy": b.policy});
        if !b.when.is_empty() {
            v["when"] = json!(b.when);
        }
        v
    };
    let (olds, mut news) = split(old.boundaries(), new.boundaries(), key);
    for (i, v) in olds {
        let b = &old.boundaries()[i];
        // A boundary replaced by another one on the same identity: modified.
        let paired = news
            .iter()
            .position(|(j, _)| new.boundaries()[*j].identity == b.identity);
        let still_there = new_template
            .get("Resources")
            .and_then(|r| r.get(&b.owner))
            .is_some();
        match paired {
            Some(k) => {
                let (j, nv) = news.remove(k);
                let nb = &new.boundaries()[j];
                out.push(change(
                    Category::PermissionsBoundary,
                    ChangeKind::Modified,
                    &nb.owner,
                    true,
                    false,
                    format!(
                        "changes the permissions boundary of {} from {} to {}",
                        b.identity, b.policy, nb.policy
                    ),
                    Some((v, b.pointer.clone())),
                    Some((nv, nb.pointer.clone())),
                    Detail::Other,
                ));
            }
            None => out.push(change(
                Category::PermissionsBoundary,
                ChangeKind::Removed,
                &b.owner,
                still_there,
                false,
                if still_there {
                    format!(
                        "removes the permissions boundary {} of {}",
                        b.policy, b.identity
                    )
                } else {
                    format!("removes the permissions boundary of {} with it", b.identity)
                },
                Some((v, b.pointer.clone())),
                None,
                Detail::Other,
            )),
        }
    }
    for (j, v) in news {
        let b = &new.boundaries()[j];
        out.push(change(
            Category::PermissionsBoundary,
            ChangeKind::Added,
            &b.owner,
            false,
            false,
            format!(
                "sets the permissions boundary {} on {}",
                b.policy, b.identity
            ),
            None,
            Some((v, b.pointer.clone())),
            Detail::Other,
        ));
    }
}

pub(crate) fn memberships(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let key = |m: &crate::permissions::Membership| {
        let mut v = json!({"user": m.user, "group": m.group});
        if !m.when.is_empty() {
            v["when"] = json!(m.when);
        }
        v
    };
    let (olds, news) = split(old.memberships(), new.memberships(), key);
    for (i, v) in olds {
        let m = &old.memberships()[i];
        out.push(change(
            Category::GroupMembership,
            ChangeKind::Removed,
            &m.owner,
            false,
            false,
            format!("removes {} from group {}", m.user, m.group),
            Some((v, m.pointer.clone())),
            None,
            Detail::Other,
        ));
    }
    for (j, v) in news {
        let m = &new.memberships()[j];
        out.push(change(
            Category::GroupMembership,
            ChangeKind::Added,
            &m.owner,
            true,
            false,
            format!("adds {} to group {}", m.user, m.group),
            None,
            Some((v, m.pointer.clone())),
            Detail::Other,
        ));
    }
}

fn rule_key(r: &NetworkRule) -> Value {
    let mut v = json!({
        "group": r.group,
        "direction": r.direction,
        "protocol": r.protocol,
        "from_port": r.from_port,
        "to_port": r.to_port,
        "peer": r.peer,
    });
    if !r.when.is_empty() {
        v["when"] = json!(r.when);
    }
    v
}

/// Whether old rule `t` already lets through everything new rule `s` does.
fn rule_covers(t: &NetworkRule, s: &NetworkRule) -> bool {
    t.group == s.group
        && t.direction == s.direction
        && t.peer == s.peer
        && t.peer != Peer::Unknown
        && guard_implies(&s.when, &t.when)
        && (t.all_protocols() || t.protocol == s.protocol)
        && match (t.port_range(), s.port_range()) {
            (Some((tf, tt)), Some((sf, st))) => tf <= sf && st <= tt,
            _ => t.from_port == s.from_port && t.to_port == s.to_port,
        }
}

/// For a rule open to the world where its peer does not say so in as many words (a
/// parameter's default, a range from `Mappings`, `0000::/0`): what it is.
fn world_note(r: &NetworkRule) -> String {
    let literal = matches!(&r.peer, Peer::CidrIp { ip } if ip == "0.0.0.0/0" || ip == "::/0");
    match (r.world_cidr(), r.cidr_parameter()) {
        (Some(_), _) if literal => String::new(),
        (Some(cidr), Some(p)) => format!(
            " (the whole internet if deployed with defaults: {cidr} is the default of parameter {p})"
        ),
        (Some(cidr), None) => format!(" (the whole internet: {cidr})"),
        (None, _) => String::new(),
    }
}

pub(crate) fn network(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let (olds, news) = split(old.network_rules(), new.network_rules(), rule_key);
    let dir = |d: Direction| match d {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
    };
    for (i, v) in olds {
        let r = &old.network_rules()[i];
        out.push(change(
            Category::SecurityGroupRule,
            ChangeKind::Removed,
            &r.owner,
            false,
            false,
            format!(
                "removes {} rule {} from {}{} on {}",
                dir(r.direction),
                r.describe_protocol(),
                r.describe_peer(),
                world_note(r),
                r.group
            ),
            Some((v, r.pointer.clone())),
            None,
            Detail::Network(Box::new(r.clone())),
        ));
    }
    for (j, v) in news {
        let r = &new.network_rules()[j];
        let covered = old.network_rules().iter().any(|t| rule_covers(t, r));
        let what = format!(
            "{} rule {} {} {}{} on {}",
            dir(r.direction),
            r.describe_protocol(),
            if r.direction == Direction::Ingress {
                "from"
            } else {
                "to"
            },
            r.describe_peer(),
            world_note(r),
            r.group
        );
        out.push(change(
            Category::SecurityGroupRule,
            ChangeKind::Added,
            &r.owner,
            !covered,
            true,
            if covered {
                format!("adds {what}, already allowed by an existing rule")
            } else {
                format!("adds {what}")
            },
            None,
            Some((v, r.pointer.clone())),
            Detail::Network(Box::new(r.clone())),
        ));
    }
}

pub(crate) fn sso(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let key = |e: &crate::permissions::SsoEntry| json!({"kind": e.kind, "resource": e.resource, "properties": e.properties});
    let (olds, mut news) = split(old.sso(), new.sso(), key);
    let category = |k: SsoKind| match k {
        SsoKind::PermissionSet => Category::SsoPermissionSet,
        SsoKind::Assignment => Category::SsoAssignment,
        SsoKind::InstanceAccessControlAttributes => Category::SsoInstanceAccessControlAttributes,
    };
    for (i, v) in olds {
        let e = &old.sso()[i];
        let paired = news.iter().position(|(j, _)| {
            let n = &new.sso()[*j];
            n.resource == e.resource && n.kind == e.kind
        });
        match paired {
            Some(k) => {
                let (j, nv) = news.remove(k);
                let n = &new.sso()[j];
                out.push(change(
                    category(e.kind),
                    ChangeKind::Modified,
                    &e.resource,
                    true,
                    true,
                    format!("changes {:?} {}", e.kind, e.resource),
                    Some((v, e.pointer.clone())),
                    Some((nv, n.pointer.clone())),
                    Detail::Other,
                ));
            }
            None => out.push(change(
                category(e.kind),
                ChangeKind::Removed,
                &e.resource,
                false,
                false,
                format!("removes {:?} {}", e.kind, e.resource),
                Some((v, e.pointer.clone())),
                None,
                Detail::Other,
            )),
        }
    }
    for (j, v) in news {
        let e = &new.sso()[j];
        out.push(change(
            category(e.kind),
            ChangeKind::Added,
            &e.resource,
            true,
            true,
            format!("adds {:?} {}", e.kind, e.resource),
            None,
            Some((v, e.pointer.clone())),
            Detail::Other,
        ));
    }
}

fn exposure_value(e: &Exposure) -> Value {
    json!({
        "resource_type": e.resource_type,
        "switch": e.switch,
        "state": e.state,
        "value": e.value,
    })
}

/// Whether going from `old` to `new` weakens a switch.
fn weakens(old: &Exposure, new: &Exposure) -> bool {
    use SwitchState::*;
    match (old.state, new.state) {
        (Unprotected, _) => false,
        (_, Unprotected) => true,
        (Protected, Default) => true,
        (Protected | Default, Unknown) => true,
        (Unknown, Unknown) => old.value != new.value,
        (Unknown, Default) => true,
        _ => false,
    }
}

pub(crate) fn exposure(old: &Model, new: &Model, out: &mut Vec<Change>) {
    let mut olds: HashMap<(&str, crate::permissions::Switch), &Exposure> = HashMap::new();
    for e in old.exposure() {
        olds.entry((e.resource.as_str(), e.switch)).or_insert(e);
    }
    for n in new.exposure() {
        match olds.get(&(n.resource.as_str(), n.switch)) {
            Some(o) if o.state == n.state && o.value == n.value => {}
            Some(o) => {
                let b = weakens(o, n);
                out.push(change(
                    Category::Exposure,
                    ChangeKind::Modified,
                    &n.resource,
                    b,
                    false,
                    format!(
                        "{} {:?} of {}: {} → {}",
                        if b { "weakens" } else { "changes" },
                        n.switch,
                        n.resource,
                        o.value,
                        n.value
                    ),
                    Some((exposure_value(o), o.pointer.clone())),
                    Some((exposure_value(n), n.pointer.clone())),
                    Detail::Other,
                ));
            }
            None if n.state == SwitchState::Unprotected => {
                let public = n.switch.is_public_exposure();
                out.push(change(
                    Category::Exposure,
                    ChangeKind::Added,
                    &n.resource,
                    public,
                    false,
                    format!(
                        "{} {} with {:?} {}",
                        if public { "exposes new" } else { "adds" },
                        n.resource,
                        n.switch,
                        n.value
                    ),
                    None,
                    Some((exposure_value(n), n.pointer.clone())),
                    Detail::Other,
                ));
            }
            None => {}
        }
    }
}
