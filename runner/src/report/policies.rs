//! The policies that would run, for `preflight policy list` (a table, or JSON) and
//! `preflight policy inspect` (one policy's or rule's documentation).

use std::collections::BTreeMap;
use std::io::{self, Write};

use preflight_policy::Severity;
use serde::Serialize;

use crate::decide::rule_severity;
use crate::finding::Enforcement;
use crate::load::policies::ActivePolicy;

/// One policy, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyListing {
    /// The id it reports (its configured name when it could not load).
    pub id: String,
    /// Its name in configuration.
    pub name: String,
    /// Its version.
    pub version: String,
    /// What it checks.
    pub description: String,
    /// How it is enforced.
    pub enforcement: Enforcement,
    /// Whether it keeps warm instances between evaluations.
    pub reusable: bool,
    /// Why it could not be loaded.
    pub error: Option<String>,
    /// Its rules.
    pub rules: Vec<RuleListing>,
}

/// One rule, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct RuleListing {
    /// Its code (`TPL001`).
    pub id: String,
    /// Its kebab-case name.
    pub name: String,
    /// One line on what it checks.
    pub title: String,
    /// Its severity, after configuration.
    pub severity: Severity,
    /// Its documentation (markdown).
    pub help: String,
    /// The same check in other tools, by tool.
    pub equivalents: BTreeMap<String, Vec<String>>,
}

/// What `policy` says about itself, with its configured enforcement and severities.
pub fn listing(policy: &ActivePolicy) -> PolicyListing {
    match &policy.loaded {
        Ok(loaded) => {
            let meta = loaded.meta();
            PolicyListing {
                id: meta.id.clone(),
                name: policy.name.clone(),
                version: meta.version.clone(),
                description: meta.description.clone(),
                enforcement: policy.enforcement,
                reusable: meta.reusable,
                error: None,
                rules: meta
                    .rules
                    .iter()
                    .map(|r| RuleListing {
                        id: r.id.clone(),
                        name: r.name.clone(),
                        title: r.title.clone(),
                        severity: rule_severity(policy, &r.id, r.default_severity),
                        help: r.help.clone(),
                        equivalents: r
                            .equivalents
                            .iter()
                            .map(|e| (e.tool.clone(), e.ids.clone()))
                            .collect(),
                    })
                    .collect(),
            }
        }
        Err(e) => PolicyListing {
            id: policy.name.clone(),
            name: policy.name.clone(),
            version: String::new(),
            description: String::new(),
            enforcement: policy.enforcement,
            reusable: false,
            error: Some(e.to_string()),
            rules: Vec::new(),
        },
    }
}

/// `policy list` for people: each policy with its rules.
pub fn write_list(listings: &[PolicyListing], out: &mut dyn Write) -> io::Result<()> {
    for policy in listings {
        writeln!(
            out,
            "{} {} ({})",
            policy.id, policy.version, policy.enforcement
        )?;
        if let Some(error) = &policy.error {
            writeln!(out, "  cannot load: {error}")?;
        }
        write_rules(policy, out)?;
    }
    Ok(())
}

/// `policy inspect ID`: the policy whose id or name is `id` with its rules, or the rule
/// whose code (any case) or name is `id` with its documentation. `Ok(false)` when
/// nothing has that name.
pub fn write_inspect(
    listings: &[PolicyListing],
    id: &str,
    out: &mut dyn Write,
) -> io::Result<bool> {
    for policy in listings {
        if policy.id == id || policy.name == id {
            writeln!(
                out,
                "{} {} ({})\n\n{}\n",
                policy.id, policy.version, policy.enforcement, policy.description
            )?;
            write_rules(policy, out)?;
            return Ok(true);
        }
        if let Some(rule) = policy
            .rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id) || r.name == id)
        {
            writeln!(
                out,
                "{} ({}): {}\npolicy: {}   severity: {}",
                rule.id, rule.name, rule.title, policy.id, rule.severity
            )?;
            for (tool, ids) in &rule.equivalents {
                writeln!(out, "same as: {tool} {}", ids.join(", "))?;
            }
            writeln!(out, "\n{}", rule.help)?;
            return Ok(true);
        }
    }
    Ok(false)
}

fn write_rules(policy: &PolicyListing, out: &mut dyn Write) -> io::Result<()> {
    for rule in &policy.rules {
        writeln!(
            out,
            "  {:<10} {:<8} {}",
            rule.id,
            rule.severity.as_str(),
            rule.title
        )?;
    }
    Ok(())
}
