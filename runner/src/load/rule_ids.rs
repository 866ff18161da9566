//! Rule ids named in the configuration (`[policies.<name>] rule.<ID>`, `disable`) and
//! on the command line (`--override`) must be rules of the policy they are given for:
//! a misspelt id would otherwise change nothing, silently. Checked once the policies
//! are loaded (their metadata lists their rules); policies whose rules come from their
//! input (Guard and Rego rule files) declare none and are not checked.

use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::config::Config;
use crate::finding::HostRule;
use crate::load::policies::ActivePolicy;

/// A rule id that names no rule.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UnknownRule {
    /// What to tell the user: the place, the id, the nearest rule, and a snippet of
    /// the configuration when the id is in it.
    pub message: String,
}

/// Checks `rule.<ID>` and `disable` of every configured policy that runs.
pub fn check_config(config: &Config, policies: &[ActivePolicy]) -> Result<(), UnknownRule> {
    for policy in policies {
        let Some(known) = declared(policy) else {
            continue;
        };
        let Some(configured) = config.policies.get(&policy.name) else {
            continue;
        };
        let named = configured
            .rule
            .keys()
            .map(|id| (id, Place::Rule))
            .chain(configured.disable.iter().map(|id| (id, Place::Disable)));
        for (id, place) in named {
            if !known.contains(&id.as_str()) {
                return Err(unknown(config, &policy.name, id, place, &known));
            }
        }
    }
    Ok(())
}

/// Checks `--override RULE`: a rule of some policy that runs, or a host rule.
pub fn check_overrides(rules: &[String], policies: &[ActivePolicy]) -> Result<(), UnknownRule> {
    let mut known: Vec<&str> = Vec::new();
    for policy in policies {
        match declared(policy) {
            Some(rules) => known.extend(rules),
            // Rules that come from input files cannot be listed beforehand.
            None => return Ok(()),
        }
    }
    known.extend(
        [
            HostRule::LoadError,
            HostRule::SamValidate,
            HostRule::PolicyError,
            HostRule::BaselineError,
        ]
        .map(HostRule::id),
    );
    for rule in rules {
        if !known.contains(&rule.as_str()) {
            return Err(UnknownRule {
                message: format!(
                    "--override {rule}: no policy that runs has a rule `{rule}`{}",
                    suggestion(rule, &known)
                ),
            });
        }
    }
    Ok(())
}

/// The rule ids a policy declares, or `None` when it declares none (or did not load).
fn declared(policy: &ActivePolicy) -> Option<Vec<&str>> {
    let loaded = policy.loaded.as_ref().ok()?;
    let rules: Vec<&str> = loaded.meta().rules.iter().map(|r| r.id.as_str()).collect();
    (!rules.is_empty()).then_some(rules)
}

#[derive(Debug, Clone, Copy)]
enum Place {
    Rule,
    Disable,
}

fn suggestion(id: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&k.to_ascii_lowercase(), &id.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

fn unknown(config: &Config, policy: &str, id: &str, place: Place, known: &[&str]) -> UnknownRule {
    let what = match place {
        Place::Rule => format!("[policies.{policy}] rule.{id}"),
        Place::Disable => format!("[policies.{policy}] disable"),
    };
    let title = format!(
        "{what}: `{id}` is not a rule of policy `{policy}`{}",
        suggestion(id, known)
    );
    let Some(path) = &config.source else {
        return UnknownRule { message: title };
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return UnknownRule { message: title };
    };
    match span_of(&text, policy, id, place) {
        Some(span) => UnknownRule {
            message: render(&title, &text, path, span),
        },
        None => UnknownRule {
            message: format!("{}: {title}", path.display()),
        },
    }
}

/// The byte range of `id` as written under `[policies.<policy>]`.
fn span_of(text: &str, policy: &str, id: &str, place: Place) -> Option<std::ops::Range<usize>> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    fn find<'a, 'i>(
        table: &'a toml::de::DeTable<'i>,
        key: &str,
    ) -> Option<(
        std::ops::Range<usize>,
        &'a toml::Spanned<toml::de::DeValue<'i>>,
    )> {
        table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(k, v)| (k.span(), v))
    }
    let (_, policies) = find(doc.get_ref(), "policies")?;
    let (_, this) = find(policies.get_ref().as_table()?, policy)?;
    let this = this.get_ref().as_table()?;
    match place {
        Place::Rule => {
            let (_, rules) = find(this, "rule")?;
            find(rules.get_ref().as_table()?, id).map(|(span, _)| span)
        }
        Place::Disable => {
            let (_, list) = find(this, "disable")?;
            let list = list.get_ref().as_array()?;
            list.into_iter()
                .find(|v| v.get_ref().as_str() == Some(id))
                .map(|v| v.span())
        }
    }
}

fn render(title: &str, text: &str, path: &Path, span: std::ops::Range<usize>) -> String {
    let path = path.display().to_string();
    let group = Group::with_title(Level::ERROR.primary_title(title)).element(
        Snippet::source(text)
            .path(path.as_str())
            .annotation(AnnotationKind::Primary.span(span).label("no such rule")),
    );
    let rendered = Renderer::plain().render(&[group]).to_string();
    // The command line prints `error: ` before the message.
    rendered
        .strip_prefix("error: ")
        .map(str::to_string)
        .unwrap_or(rendered)
}
