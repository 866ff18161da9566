//! Native test helpers: run a policy on a YAML or JSON fixture without WebAssembly, and
//! render its findings with line and column for snapshot tests.

use std::fmt::Write as _;
use std::path::Path;

use preflight_template::{Limits, Template};
use serde_json::Value;

use crate::{Input, Policy, PolicyMeta, Report};

/// A policy's report on a fixture, with the loaded fixture to locate findings in.
pub struct Outcome {
    /// The loaded fixture.
    pub template: Template,
    /// What the policy reported.
    pub report: Report,
}

/// Loads `path` and runs policy `P` on it with empty settings.
///
/// # Panics
/// When the fixture cannot be loaded or the policy returns an error: both are test bugs.
pub fn run_file<P: Policy>(path: impl AsRef<Path>) -> Outcome {
    run_file_with::<P>(path, Value::Object(Default::default()))
}

/// Loads `path` and runs policy `P` on it with `settings`.
///
/// # Panics
/// As [`run_file`].
pub fn run_file_with<P: Policy>(path: impl AsRef<Path>, settings: Value) -> Outcome {
    let path = path.as_ref();
    let template = Template::load(path, &Limits::default())
        .unwrap_or_else(|e| panic!("fixture does not load: {e}"));
    run_template::<P>(template, None, settings)
}

/// Parses `source` (named `name`, which decides YAML or JSON) and runs policy `P` on it.
///
/// # Panics
/// As [`run_file`].
pub fn run_source<P: Policy>(name: &str, source: &str) -> Outcome {
    let template = Template::parse(source, name, &Limits::default())
        .unwrap_or_else(|e| panic!("fixture does not load: {e}"));
    run_template::<P>(template, None, Value::Object(Default::default()))
}

/// Runs policy `P` on a loaded template, with an optional baseline value.
///
/// # Panics
/// When the policy returns an error.
pub fn run_template<P: Policy>(
    template: Template,
    baseline: Option<Value>,
    settings: Value,
) -> Outcome {
    let input = Input {
        template: template.value().clone(),
        baseline,
        path: template.name().to_string(),
        settings,
    };
    let report = P::evaluate(&input).unwrap_or_else(|e| panic!("policy failed: {e}"));
    Outcome { template, report }
}

impl Outcome {
    /// One block per finding (`RULE severity file:line:col [resource] message`, then the
    /// source line with a caret), then one line of rule statuses.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let source = self.template.source();
        for f in &self.report.findings {
            let (mut at, exact) = self.template.locate_nearest(&f.pointer);
            if let Some(narrowed) = f
                .highlight
                .as_deref()
                .and_then(|h| self.template.narrow(at, h))
            {
                at = narrowed;
            }
            let _ = writeln!(
                out,
                "{} {} {}:{}:{}{} [{}] {}",
                f.rule,
                f.severity,
                self.template.name(),
                at.line,
                at.column,
                if exact { "" } else { " (nearest)" },
                f.resource.as_deref().unwrap_or("-"),
                f.message
            );
            let line = &source[self.template.lines().line_range(source, at.line)];
            let width = if at.end_line == at.line {
                at.end_column.saturating_sub(at.column).max(1)
            } else {
                line.chars().count().saturating_sub(at.column - 1).max(1)
            };
            let _ = writeln!(out, "    | {line}");
            let _ = writeln!(
                out,
                "    | {}{}",
                " ".repeat(at.column - 1),
                "^".repeat(width)
            );
        }
        let statuses: Vec<String> = self
            .report
            .rules
            .iter()
            .map(|r| format!("{}={}", r.rule, r.status))
            .collect();
        let _ = writeln!(out, "rules: {}", statuses.join(" "));
        out
    }

    /// The ids of the rules that produced findings, in order, without repeats.
    pub fn fired(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for f in &self.report.findings {
            if !ids.contains(&f.rule.as_str()) {
                ids.push(&f.rule);
            }
        }
        ids
    }
}

/// Checks the conventions of a rule-set policy and returns its metadata for further
/// checks: rule codes are `{prefix}001`, `{prefix}002`, ... in registry order; names are
/// unique and kebab-case; titles are non-empty without a final period; help has exactly
/// the headings `## What it does`, `## Why is this bad?`, `## Example`, `## Fix`; and
/// each rule has a fixture in `fixtures` whose file name starts with its code in lower
/// case.
///
/// # Panics
/// On the first rule that breaks a convention, naming it.
pub fn assert_rules_well_described<P: Policy>(
    prefix: &str,
    fixtures: impl AsRef<Path>,
) -> PolicyMeta {
    let meta = P::metadata();
    let fixtures: Vec<String> = std::fs::read_dir(fixtures.as_ref())
        .unwrap_or_else(|e| panic!("fixtures folder {}: {e}", fixtures.as_ref().display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let mut names: Vec<&str> = Vec::new();
    for (i, rule) in meta.rules.iter().enumerate() {
        assert_eq!(
            rule.id,
            format!("{prefix}{:03}", i + 1),
            "rules are registered in code order"
        );
        let kebab = !rule.name.is_empty()
            && rule
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        assert!(kebab, "{}: name {:?} is not kebab-case", rule.id, rule.name);
        assert!(
            !names.contains(&rule.name.as_str()),
            "{}: duplicate name",
            rule.id
        );
        names.push(&rule.name);
        assert!(
            !rule.title.is_empty() && !rule.title.ends_with('.'),
            "{}: title",
            rule.id
        );
        let headings: Vec<&str> = rule.help.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            headings,
            [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix"
            ],
            "{}: help headings",
            rule.id
        );
        let code = rule.id.to_ascii_lowercase();
        assert!(
            fixtures.iter().any(|f| f.starts_with(&code)),
            "{}: no fixture named {code}*",
            rule.id
        );
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    declare_rule! {
        /// ## What it does
        /// Nothing.
        /// ## Why is this bad?
        /// It is not.
        /// ## Example
        /// None.
        /// ## Fix
        /// None.
        pub struct Misnumbered {
            id: "X002",
            name: "misnumbered",
            title: "A rule registered out of order",
            severity: Low,
        }
    }

    impl Rule for Misnumbered {
        fn check(&self, _: &Context, _: &mut Findings) {}
    }

    declare_policy! {
        struct Broken { id: "broken", version: "0", description: "", rules: [Misnumbered], }
    }

    #[test]
    #[should_panic(expected = "rules are registered in code order")]
    fn conventions_are_enforced() {
        assert_rules_well_described::<Broken>(
            "X",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
        );
    }
}
