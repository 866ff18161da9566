//! Rules and rule sets: one rule per module, declared with [`declare_rule!`], collected
//! into a policy with [`declare_policy!`].

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use crate::model::{
    Equivalent, Finding, Input, PolicyMeta, Report, RuleInfo, RuleStatus, Severity, Status,
};
use crate::node::Node;
use crate::pointer::resource_of;
use crate::template::{Template, TypeIndex};

/// A rule's fixed description, written once in its module by [`declare_rule!`].
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Stable code, e.g. `TPL001`.
    pub id: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One line.
    pub title: &'static str,
    /// Default severity of its findings.
    pub severity: Severity,
    /// The rule's doc comment (what it does, why, example, fix), as written.
    pub doc: &'static str,
    /// Resource types the rule looks at; when the template has none of them the rule's
    /// status is `skip`. Empty: the rule always applies.
    pub resource_types: &'static [&'static str],
    /// The same check in other tools: (tool, ids).
    pub equivalents: &'static [(&'static str, &'static [&'static str])],
}

impl RuleMeta {
    /// The metadata as the contract carries it.
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.to_string(),
            name: self.name.to_string(),
            title: self.title.to_string(),
            default_severity: self.severity,
            help: help_text(self.doc),
            equivalents: self
                .equivalents
                .iter()
                .map(|(tool, ids)| Equivalent {
                    tool: tool.to_string(),
                    ids: ids.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        }
    }
}

/// Turns doc-comment text (each line with the leading space rustdoc keeps) into markdown.
pub fn help_text(doc: &str) -> String {
    let lines: Vec<&str> = doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    lines.join("\n").trim().to_string()
}

/// Gives a rule type its [`RuleMeta`]; implemented by [`declare_rule!`].
pub trait RuleDef {
    /// The rule's description.
    const META: RuleMeta;
}

/// A check over one template.
pub trait Rule: Sync {
    /// Adds a finding to `out` for each problem in `cx.template`.
    fn check(&self, cx: &Context<'_>, out: &mut Findings);

    /// Whether the rule applies to this template (otherwise its status is `skip`).
    /// By default: the template has a resource of one of the rule's `resource_types`.
    fn applies(&self, cx: &Context<'_>, meta: &RuleMeta) -> bool {
        meta.resource_types.is_empty() || cx.template.has_resource_of_types(meta.resource_types)
    }
}

/// A rule together with its metadata, as a rule set holds it.
pub trait RegisteredRule: Sync {
    /// The rule's description.
    fn meta(&self) -> &'static RuleMeta;
    /// See [`Rule::check`].
    fn check(&self, cx: &Context<'_>, out: &mut Findings);
    /// See [`Rule::applies`].
    fn applies(&self, cx: &Context<'_>) -> bool;
}

impl<T: Rule + RuleDef> RegisteredRule for T {
    fn meta(&self) -> &'static RuleMeta {
        &T::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        Rule::check(self, cx, out)
    }
    fn applies(&self, cx: &Context<'_>) -> bool {
        Rule::applies(self, cx, &T::META)
    }
}

/// What a rule sees: the template, the baseline, the path and the policy's settings,
/// and a cache of what the rules of one evaluation share ([`Context::cached`]).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The template being checked.
    pub template: Template<'a>,
    /// The last deployed template, when there is one.
    pub baseline: Option<Template<'a>>,
    /// The template's path, for messages.
    pub path: &'a str,
    /// The policy's settings.
    pub settings: &'a Value,
    cache: &'a Cache,
}

impl<'a> Context<'a> {
    /// A context over a parsed input, sharing `cache` between the rules that see it.
    /// One evaluation, one cache: a cache must not outlive the input it was filled from.
    pub fn new(input: &'a Input, cache: &'a Cache) -> Context<'a> {
        Context {
            template: Template::new(&input.template),
            baseline: input.baseline.as_ref().map(Template::new),
            path: &input.path,
            settings: &input.settings,
            cache,
        }
    }

    /// As [`Context::new`], with the template's resources found by type through `index`
    /// (built from `input.template`): what [`RuleSet::evaluate`] gives its rules.
    pub fn indexed(input: &'a Input, cache: &'a Cache, index: &'a TypeIndex<'a>) -> Context<'a> {
        Context {
            template: Template::indexed(&input.template, index),
            baseline: input.baseline.as_ref().map(Template::new),
            path: &input.path,
            settings: &input.settings,
            cache,
        }
    }

    /// A value derived from this evaluation's input, built by the first rule that asks
    /// for it and shared by the others (an index, a permission model): one value per
    /// type `T`, so a policy that caches two values of one type wraps them in newtypes.
    /// `build` may itself ask for other cached values.
    pub fn cached<T: Any>(&self, build: impl FnOnce(&Context<'a>) -> T) -> Rc<T> {
        if let Some(hit) = self.cache.get::<T>() {
            return hit;
        }
        let value = Rc::new(build(self));
        self.cache.put(Rc::clone(&value));
        value
    }
}

/// Values the rules of one evaluation share, one per type (see [`Context::cached`]).
/// Guests evaluate one template at a time on one thread, so the cache is not `Sync`.
#[derive(Default)]
pub struct Cache {
    entries: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
}

impl Cache {
    fn get<T: Any>(&self) -> Option<Rc<T>> {
        let entries = self.entries.borrow();
        let (_, value) = entries.iter().find(|(id, _)| *id == TypeId::of::<T>())?;
        Rc::clone(value).downcast::<T>().ok()
    }

    fn put<T: Any>(&self, value: Rc<T>) {
        self.entries.borrow_mut().push((TypeId::of::<T>(), value));
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("entries", &self.entries.borrow().len())
            .finish()
    }
}

/// Where a rule puts its findings; it knows the rule's id and default severity.
#[derive(Debug)]
pub struct Findings {
    meta: &'static RuleMeta,
    items: Vec<Finding>,
}

impl Findings {
    /// An empty collector for one rule.
    pub fn new(meta: &'static RuleMeta) -> Findings {
        Findings {
            meta,
            items: Vec::new(),
        }
    }

    /// Reports a problem at `node`. The resource is taken from the node's pointer.
    pub fn add(&mut self, node: &Node<'_>, message: impl Into<String>) -> &mut Finding {
        self.add_at(node.pointer(), message)
    }

    /// Reports a problem at a JSON pointer.
    pub fn add_at(&mut self, pointer: &str, message: impl Into<String>) -> &mut Finding {
        self.items.push(Finding {
            rule: self.meta.id.to_string(),
            severity: self.meta.severity,
            message: message.into(),
            resource: resource_of(pointer),
            pointer: pointer.to_string(),
            highlight: None,
        });
        self.items.last_mut().expect("just pushed")
    }

    /// Findings so far.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The findings.
    pub fn into_vec(self) -> Vec<Finding> {
        self.items
    }
}

/// The rules of one policy, in registry order.
pub struct RuleSet {
    /// Policy id.
    pub id: &'static str,
    /// Policy version.
    pub version: &'static str,
    /// One paragraph.
    pub description: &'static str,
    /// The rules.
    pub rules: &'static [&'static dyn RegisteredRule],
}

impl RuleSet {
    /// The policy's metadata. Rule sets keep no state, so they are reusable.
    pub fn metadata(&self) -> PolicyMeta {
        PolicyMeta {
            id: self.id.to_string(),
            version: self.version.to_string(),
            description: self.description.to_string(),
            rules: self.rules.iter().map(|r| r.meta().info()).collect(),
            reusable: true,
        }
    }

    /// Runs every rule. Settings may list rule ids under `"disable"` to skip them.
    pub fn evaluate(&self, input: &Input) -> Result<Report, String> {
        if !input.template.is_object() {
            return Err("the template is not a mapping".to_string());
        }
        let cache = Cache::default();
        let index = TypeIndex::new(&input.template);
        let cx = Context::indexed(input, &cache, &index);
        let disabled: Vec<&str> = input
            .settings
            .get("disable")
            .and_then(Value::as_array)
            .map(|d| d.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut report = Report::default();
        for rule in self.rules {
            let meta = rule.meta();
            let status = if disabled.contains(&meta.id) || !rule.applies(&cx) {
                Status::Skip
            } else {
                let mut out = Findings::new(meta);
                rule.check(&cx, &mut out);
                let status = if out.is_empty() {
                    Status::Pass
                } else {
                    Status::Fail
                };
                report.findings.extend(out.into_vec());
                status
            };
            report.rules.push(RuleStatus {
                rule: meta.id.to_string(),
                status,
            });
        }
        Ok(report)
    }
}

/// Declares a rule: a unit struct with its [`RuleMeta`], taking the doc comment as the
/// rule's help text. Headings by convention: `## What it does`, `## Why is this bad?`,
/// `## Example`, `## Fix`.
///
/// Optional fields, in this order: `resource_types: [..]` and
/// `equivalents: { "cfn_nag": ["W2"], "checkov": ["CKV_AWS_24"] }`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            id: $id:literal,
            name: $rname:literal,
            title: $title:literal,
            severity: $sev:ident,
            $(resource_types: [$($rt:literal),* $(,)?],)?
            $(equivalents: { $($tool:literal: [$($eq:literal),* $(,)?]),* $(,)? },)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $crate::RuleDef for $name {
            const META: $crate::RuleMeta = $crate::RuleMeta {
                id: $id,
                name: $rname,
                title: $title,
                severity: $crate::Severity::$sev,
                doc: concat!($($doc, "\n"),*),
                resource_types: &[$($($rt),*)?],
                equivalents: &[$($(($tool, &[$($eq),*])),*)?],
            };
        }
    };
}

/// Declares a policy made of rules: a unit struct implementing [`crate::Policy`].
#[macro_export]
macro_rules! declare_policy {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            id: $id:expr,
            version: $version:expr,
            description: $description:expr,
            rules: [$($rule:expr),* $(,)?],
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            /// The policy's rules, in registry order.
            pub const RULES: $crate::RuleSet = $crate::RuleSet {
                id: $id,
                version: $version,
                description: $description,
                rules: &[$(&$rule),*],
            };
        }

        impl $crate::Policy for $name {
            fn metadata() -> $crate::PolicyMeta {
                Self::RULES.metadata()
            }
            fn evaluate(input: &$crate::Input) -> Result<$crate::Report, String> {
                Self::RULES.evaluate(input)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    struct Count(usize);
    struct Double(usize);

    fn input() -> Input {
        Input::from_json(r#"{"Resources":{}}"#, None, "t.json", "{}").expect("input")
    }

    #[test]
    fn cached_builds_once_per_cache_and_may_nest() {
        let input = input();
        let built = Cell::new(0);
        let cache = Cache::default();
        let cx = Context::new(&input, &cache);
        let count = |cx: &Context<'_>| {
            cx.cached(|_| {
                built.set(built.get() + 1);
                Count(7)
            })
        };
        assert_eq!(count(&cx).0, 7);
        let copy = cx;
        assert_eq!(count(&copy).0, 7);
        assert_eq!(built.get(), 1, "a second ask shares the first value");
        let double = cx.cached(|cx| Double(count(cx).0 * 2));
        assert_eq!(double.0, 14);
        assert_eq!(built.get(), 1);

        let fresh = Cache::default();
        let cx = Context::new(&input, &fresh);
        assert_eq!(count(&cx).0, 7);
        assert_eq!(built.get(), 2, "another evaluation builds its own");
    }
}
