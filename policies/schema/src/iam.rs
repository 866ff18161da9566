//! The IAM policy statements a template writes itself (inline, managed, SAM inline
//! `Policies`, resource policies), from the SDK's permission model: SAM policy templates
//! and the statements SAM or Lambda generate are AWS's, not the author's.

use std::rc::Rc;

use preflight_policy::Context;
use preflight_policy::permissions::{Model, Origin, Statement};

/// The statements a template writes itself.
pub struct Written(pub Vec<Statement>);

/// The statements written in the template (read once per evaluation).
pub fn written_statements(cx: &Context) -> Rc<Written> {
    cx.cached(|cx| {
        Written(
            Model::from_template(cx.template.root().value())
                .statements()
                .filter(|s| matches!(s.origin, Origin::Document { .. } | Origin::SamInline { .. }))
                .filter(|s| s.raw.is_none())
                .cloned()
                .collect(),
        )
    })
}

/// Whether an element is a literal (no `${...}` placeholder from an intrinsic).
pub fn is_literal(value: &str) -> bool {
    !value.contains("${")
}

/// `*` and `?` wildcards of an IAM action matched against a name (both lower case).
pub fn wildcard(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards() {
        assert!(wildcard("get*", "getobject"));
        assert!(wildcard("*object", "getobject"));
        assert!(wildcard("g?tobject", "getobject"));
        assert!(!wildcard("put*", "getobject"));
    }
}
