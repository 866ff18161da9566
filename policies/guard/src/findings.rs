//! cfn-guard's report of one rules file, turned into rule statuses and findings.
//!
//! Statuses are cfn-guard's own: a rule in `compliant` passed, in `not_applicable` was
//! skipped, with a `Rule` entry in `not_compliant` failed. Each failed clause under a
//! failed rule becomes a finding at the JSON pointer of the property it reached; an `or`
//! whose alternatives all failed becomes one finding.

use std::collections::HashSet;

use preflight_policy::{Finding, RuleStatus, Status};
use serde_json::Value;

use crate::engine::{local_name, shorten};
use crate::pointer::{Located, locate};
use crate::report::{
    BinaryCheck, BlockReport, ClauseCheck, ClauseReport, Comparison, FileReport, Messages,
    PathValue, UnaryCheck, Unresolved,
};
use crate::settings::Settings;

/// Values longer than this are cut in messages.
const VALUE_WIDTH: usize = 60;

/// One rules file's evaluation, ready to convert.
pub struct FileOutcome<'a> {
    /// The rules file's name (the id prefix).
    pub file: &'a str,
    /// Its rule names in file order, from the parse.
    pub names: &'a [String],
    /// cfn-guard's report.
    pub report: &'a FileReport,
    /// The template, to resolve paths in.
    pub template: &'a Value,
}

/// The id of rule `rule` of file `file`: `file/RULE` (`file/default` for the rule made
/// of the file's clauses outside any named rule).
pub fn rule_id(file: &str, rule: &str) -> String {
    format!("{file}/{}", local_name(rule, file))
}

impl FileOutcome<'_> {
    /// Each rule's status, in file order, and the findings of the failed rules.
    pub fn convert(&self, settings: &Settings) -> (Vec<RuleStatus>, Vec<Finding>) {
        let local = |n: &String| local_name(n, self.file);
        let failed: Vec<String> = self
            .report
            .not_compliant
            .iter()
            .filter_map(|c| match c {
                ClauseReport::Rule(r) => Some(local(&r.name)),
                _ => None,
            })
            .collect();
        let passed: Vec<String> = self.report.compliant.iter().map(local).collect();
        let skipped: Vec<String> = self.report.not_applicable.iter().map(local).collect();

        let mut order: Vec<&str> = Vec::new();
        for name in self.names {
            if !order.contains(&name.as_str()) {
                order.push(name);
            }
        }
        let mut extra: Vec<&str> = failed
            .iter()
            .chain(&passed)
            .chain(&skipped)
            .map(String::as_str)
            .filter(|n| !order.contains(n))
            .collect();
        extra.sort_unstable();
        extra.dedup();
        order.extend(extra);

        let mut statuses = Vec::new();
        for name in order {
            let has = |list: &[String]| list.iter().any(|n| n == name);
            // A name used by two rules takes the worse status, as the file's does, or
            // each of its statuses when asked; a name not evaluated is left out
            // (cfn-guard reports every rule it evaluated).
            let all = [
                (has(&failed), Status::Fail),
                (has(&passed), Status::Pass),
                (has(&skipped), Status::Skip),
            ];
            let mut found = all.iter().filter(|(has, _)| *has).map(|(_, s)| *s);
            let take: Vec<Status> = if settings.every_status {
                found.collect()
            } else {
                found.next().into_iter().collect()
            };
            for status in take {
                statuses.push(RuleStatus {
                    rule: rule_id(self.file, name),
                    status,
                });
            }
        }

        let mut findings = Vec::new();
        for clause in &self.report.not_compliant {
            let ClauseReport::Rule(rule) = clause else {
                continue;
            };
            let name = local_name(&rule.name, self.file);
            let id = rule_id(self.file, &name);
            let severity = settings.severity_for(self.file, &name, &id);
            let rule_message = custom(&rule.messages);
            let mut leaves = Vec::new();
            self.collect(&rule.checks, rule_message.as_deref(), &mut leaves);
            if leaves.is_empty() {
                leaves.push(Leaf {
                    at: Located::root(),
                    message: rule_message
                        .unwrap_or_else(|| format!("rule `{name}` failed without naming a clause")),
                });
            }
            let mut seen = HashSet::new();
            for leaf in leaves {
                let pointer = leaf.at.pointer();
                if !seen.insert((pointer.clone(), leaf.message.clone())) {
                    continue;
                }
                findings.push(Finding {
                    rule: id.clone(),
                    severity,
                    message: leaf.message,
                    resource: leaf.at.resource().map(str::to_string),
                    pointer,
                    highlight: None,
                });
            }
        }
        (statuses, findings)
    }

    /// Collects the failed leaves under `checks`. `inherited` is the nearest enclosing
    /// rule's custom message.
    fn collect(&self, checks: &[ClauseReport], inherited: Option<&str>, out: &mut Vec<Leaf>) {
        for check in checks {
            match check {
                ClauseReport::Rule(rule) => {
                    // A named rule this one refers to: it is reported under its own id
                    // (the reference itself is a `DependentRule` clause here). A
                    // parameterized rule is not evaluated on its own, so its clauses
                    // belong to this rule.
                    if self.names.contains(&local_name(&rule.name, self.file)) {
                        continue;
                    }
                    let message = custom(&rule.messages);
                    self.collect(&rule.checks, message.as_deref().or(inherited), out);
                }
                ClauseReport::Block(block) => out.push(self.block(block, inherited)),
                ClauseReport::Clause(clause) => out.push(self.clause(clause, inherited)),
                ClauseReport::Disjunctions(or) => {
                    let mut alternatives = Vec::new();
                    self.alternatives(&or.checks, inherited, &mut alternatives);
                    out.extend(combine(alternatives));
                }
            }
        }
    }

    /// The failed alternatives of an `or`; an `or` nested in it adds its own
    /// alternatives (`a or (b or c)` is `a or b or c`).
    fn alternatives(&self, checks: &[ClauseReport], inherited: Option<&str>, out: &mut Vec<Leaf>) {
        for check in checks {
            match check {
                ClauseReport::Disjunctions(or) => self.alternatives(&or.checks, inherited, out),
                other => self.collect(std::slice::from_ref(other), inherited, out),
            }
        }
    }

    fn locate(&self, path: &str) -> Located {
        locate(self.template, path)
    }

    /// How a path is named in messages: relative to its resource when it is in the
    /// template, cfn-guard's path with dots otherwise (a parameter).
    fn name_of(&self, path: &str, at: &Located) -> String {
        if at.exact {
            let shown = at.display();
            if shown.is_empty() {
                return at.resource().unwrap_or("").to_string();
            }
            shown
        } else {
            path.trim_start_matches('/').replace('/', ".")
        }
    }

    fn block(&self, block: &BlockReport, inherited: Option<&str>) -> Leaf {
        if let Some(unresolved) = &block.unresolved {
            let (at, sentence) = self.missing(unresolved);
            return Leaf {
                at,
                message: pick(&block.messages, inherited, sentence),
            };
        }
        let explanation = block
            .messages
            .error_message
            .as_deref()
            .unwrap_or("the block failed");
        let sentence = if block.context.trim().is_empty() {
            sentence_case(explanation)
        } else {
            format!(
                "{} (`{}`)",
                sentence_case(explanation),
                shorten(block.context.trim(), 80)
            )
        };
        Leaf {
            at: Located::root(),
            message: pick(&block.messages, inherited, sentence),
        }
    }

    fn clause(&self, clause: &ClauseCheck, inherited: Option<&str>) -> Leaf {
        let (messages, (at, sentence)) = match clause {
            ClauseCheck::Binary(b) => (&b.messages, self.binary(&b.check)),
            ClauseCheck::Unary(u) => (
                &u.messages,
                match &u.check {
                    UnaryCheck::UnResolved(v) => self.missing(&v.value),
                    UnaryCheck::Resolved(v) => self.unary(&v.value, &v.comparison),
                    UnaryCheck::UnResolvedContext(name) => {
                        (Located::root(), context_sentence(name, &u.messages))
                    }
                },
            ),
        };
        Leaf {
            at,
            message: pick(messages, inherited, sentence),
        }
    }

    fn binary(&self, check: &BinaryCheck) -> (Located, String) {
        match check {
            BinaryCheck::UnResolved(v) => self.missing(&v.value),
            BinaryCheck::Resolved(c) => {
                let at = self.locate(&c.from.path);
                let expected = match (&c.to.value, c.comparison.0.as_str()) {
                    // A regex literal reaches the report as `/pattern/`.
                    (Value::String(re), "Eq") if is_regex_literal(re, &c.to.path) => format!(
                        "expected {}to match `{}`",
                        if c.comparison.1 { "not " } else { "" },
                        shorten(re, VALUE_WIDTH)
                    ),
                    (to, "In") => format!(
                        "expected {} {}",
                        operator(&c.comparison),
                        list(std::slice::from_ref(to))
                    ),
                    (to, _) => format!("expected {} `{}`", operator(&c.comparison), show(to)),
                };
                let sentence = format!(
                    "`{}` is `{}`, {expected}",
                    self.name_of(&c.from.path, &at),
                    show(&c.from.value),
                );
                (at, sentence)
            }
            BinaryCheck::InResolved(c) => {
                let at = self.locate(&c.from.path);
                let values: Vec<Value> = c.to.iter().map(|v| v.value.clone()).collect();
                let sentence = format!(
                    "`{}` is `{}`, expected {} {}",
                    self.name_of(&c.from.path, &at),
                    show(&c.from.value),
                    operator(&c.comparison),
                    list(&values)
                );
                (at, sentence)
            }
        }
    }

    fn unary(&self, value: &PathValue, comparison: &Comparison) -> (Located, String) {
        let at = self.locate(&value.path);
        let name = self.name_of(&value.path, &at);
        let Comparison(op, negated) = comparison;
        let sentence = match (op.as_str(), negated) {
            ("Exists", false) => format!("`{name}` is missing"),
            ("Exists", true) => format!("`{name}` is present, expected it to be absent"),
            ("Empty", false) => format!("`{name}` is not empty, expected it to be empty"),
            ("Empty", true) => format!("`{name}` is empty"),
            (op, negated) => {
                let kind = match op {
                    "IsString" => "a string",
                    "IsList" => "a list",
                    "IsMap" => "a struct",
                    "IsBool" => "a boolean",
                    "IsInt" => "an integer",
                    "IsFloat" => "a float",
                    "IsNull" => "null",
                    other => other,
                };
                if *negated {
                    format!("`{name}` is {kind}, expected it not to be")
                } else {
                    format!("`{name}` is `{}`, expected {kind}", show(&value.value))
                }
            }
        };
        (at, sentence)
    }

    /// A property the query could not reach: the pointer is the deepest node it did.
    fn missing(&self, unresolved: &Unresolved) -> (Located, String) {
        let reached = &unresolved.traversed_to;
        let at = self.locate(&reached.path);
        let base = self.name_of(&reached.path, &at);
        let rest = unresolved.remaining_query.trim();
        let full = match (
            base.is_empty() || base == at.resource().unwrap_or("\0"),
            rest,
        ) {
            (_, "") => base.clone(),
            (true, rest) => rest.to_string(),
            (false, rest) if rest.starts_with('[') => format!("{base}{rest}"),
            (false, rest) => format!("{base}.{rest}"),
        };
        let sentence = if full.is_empty() {
            unresolved
                .reason
                .as_deref()
                .map(sentence_case)
                .unwrap_or_else(|| "a property is missing".to_string())
        } else if rest.is_empty() || reached.value.is_object() || reached.value.is_array() {
            format!("`{full}` is missing")
        } else {
            format!(
                "`{full}` is missing (`{base}` is `{}`)",
                show(&reached.value)
            )
        };
        (at, sentence)
    }
}

/// A failed clause, located.
struct Leaf {
    at: Located,
    message: String,
}

/// An `or` whose alternatives all failed: one finding. It points at the deepest
/// alternative when the others lie on its path (`X empty or X { Y == 1 }` points at `Y`),
/// else at the deepest node they share.
fn combine(alternatives: Vec<Leaf>) -> Option<Leaf> {
    let deepest = alternatives
        .iter()
        .max_by_key(|l| l.at.steps.len())?
        .at
        .clone();
    let on_one_path = alternatives
        .iter()
        .all(|l| deepest.steps.starts_with(&l.at.steps));
    let mut at = deepest;
    let mut messages: Vec<String> = Vec::new();
    for leaf in alternatives {
        if !on_one_path {
            at = at.common(&leaf.at);
        }
        if !messages.contains(&leaf.message) {
            messages.push(leaf.message);
        }
    }
    let message = if messages.len() == 1 {
        messages.remove(0)
    } else {
        format!("no alternative holds: {}", messages.join("; "))
    };
    Some(Leaf { at, message })
}

/// The clause's custom message, else the rule's, else the built sentence.
fn pick(messages: &Messages, inherited: Option<&str>, sentence: String) -> String {
    custom(messages)
        .or_else(|| inherited.map(str::to_string))
        .unwrap_or(sentence)
}

/// A `<< >>` message on one line: its lines trimmed and joined with spaces.
fn custom(messages: &Messages) -> Option<String> {
    let text = messages.custom_message.as_deref()?;
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// A clause without a value: a rule it depends on that failed, or a variable that was
/// expected to be empty.
fn context_sentence(name: &str, messages: &Messages) -> String {
    let error = messages.error_message.as_deref().unwrap_or("");
    if error.contains("dependent rule [") {
        format!("rule `{name}`, which this rule requires, did not pass")
    } else if error.is_empty() {
        format!("`{}` failed", shorten(name.trim(), 80))
    } else {
        sentence_case(error)
    }
}

/// The comparison as it reads in a sentence: `==`, `!=`, `in`, `not in`, `>`, ...
fn operator(comparison: &Comparison) -> String {
    let Comparison(op, negated) = comparison;
    let symbol = match op.as_str() {
        "Eq" => return if *negated { "!=" } else { "==" }.to_string(),
        "In" => return if *negated { "not in" } else { "in" }.to_string(),
        "Gt" => ">",
        "Lt" => "<",
        "Ge" => ">=",
        "Le" => "<=",
        other => other,
    };
    if *negated {
        format!("not {symbol}")
    } else {
        symbol.to_string()
    }
}

/// The right-hand side of `in`: `[`a`, `b`]`, a list literal's items spread (it
/// arrives as one value holding the list), cut after 8 items.
fn list(values: &[Value]) -> String {
    let items: Vec<&Value> = values
        .iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .collect();
    let mut shown: Vec<String> = items
        .iter()
        .take(8)
        .map(|v| format!("`{}`", show(v)))
        .collect();
    if items.len() > 8 {
        shown.push("…".to_string());
    }
    format!("[{}]", shown.join(", "))
}

/// Whether a right-hand value is a regex literal: cfn-guard serialises one as
/// `/pattern/`, with no path (literals have none).
fn is_regex_literal(text: &str, path: &str) -> bool {
    path.is_empty() && text.len() >= 2 && text.starts_with('/') && text.ends_with('/')
}

/// A value for a message: strings as they are, the rest as compact JSON, cut when long.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => shorten(s, VALUE_WIDTH),
        other => shorten(&other.to_string(), VALUE_WIDTH),
    }
}

/// cfn-guard's explanations, as one line starting lowercase and with no final period.
fn sentence_case(text: &str) -> String {
    let one_line = shorten(text.trim(), 300);
    let trimmed = one_line.trim_end_matches('.');
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_namespaced_once() {
        assert_eq!(rule_id("s3.guard", "S3_X"), "s3.guard/S3_X");
        assert_eq!(
            rule_id("s3.guard", "RULES_STDIN[1]/default"),
            "s3.guard/default"
        );
    }

    #[test]
    fn operators_read_naturally() {
        let op = |o: &str, n| operator(&Comparison(o.to_string(), n));
        assert_eq!(op("Eq", false), "==");
        assert_eq!(op("Eq", true), "!=");
        assert_eq!(op("In", true), "not in");
        assert_eq!(op("Ge", false), ">=");
        assert_eq!(op("Lt", true), "not <");
    }

    #[test]
    fn custom_messages_become_one_line() {
        let m = Messages {
            custom_message: Some("\n  Violation: X.\n  Fix: Y.\n ".to_string()),
            error_message: None,
        };
        assert_eq!(custom(&m).as_deref(), Some("Violation: X. Fix: Y."));
        let blank = Messages {
            custom_message: Some("  ".to_string()),
            error_message: None,
        };
        assert_eq!(custom(&blank), None);
    }
}
