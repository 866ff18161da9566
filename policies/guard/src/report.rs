//! cfn-guard's per-file evaluation report, as its `validate` command prints it with
//! `--structured --output-format json`.
//!
//! It is the digest its reporters make of the `EventRecord` tree (`FileReport`, built by
//! `simplified_json_from_root`). These types mirror it (cfn-guard 3.2.1, pinned): the
//! rules that passed (`compliant`), did not apply (`not_applicable`), and, for each
//! failed rule, the tree of failed clauses with the property paths they reached.

use serde::Deserialize;
use serde_json::Value;

/// The outcome of one rules file on one document.
#[derive(Debug, Clone, Deserialize)]
pub struct FileReport {
    /// `PASS`, `FAIL` or `SKIP`: the file's overall status (`FAIL` makes
    /// `cfn-guard validate` exit with 19).
    pub status: String,
    /// One `Rule` entry per failed rule, with its failed clauses.
    #[serde(default)]
    pub not_compliant: Vec<ClauseReport>,
    /// Rules that did not apply (status `SKIP`).
    #[serde(default)]
    pub not_applicable: Vec<String>,
    /// Rules that passed.
    #[serde(default)]
    pub compliant: Vec<String>,
}

/// One node of the failed-clause tree.
#[derive(Debug, Clone, Deserialize)]
pub enum ClauseReport {
    /// A failed rule (top-level, or a named/parameterized rule it refers to).
    Rule(RuleReport),
    /// A block whose query found nothing or could not go on.
    Block(BlockReport),
    /// An `or` whose every alternative failed.
    Disjunctions(DisjunctionsReport),
    /// One failed comparison on one value.
    Clause(ClauseCheck),
}

/// A failed rule.
#[derive(Debug, Clone, Deserialize)]
pub struct RuleReport {
    /// The rule's name.
    pub name: String,
    /// The rule's own messages.
    #[serde(default)]
    pub messages: Messages,
    /// Its failed clauses.
    #[serde(default)]
    pub checks: Vec<ClauseReport>,
}

/// The custom message (from `<< >>`) and cfn-guard's own explanation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Messages {
    /// The rule author's message, when the clause has one.
    pub custom_message: Option<String>,
    /// cfn-guard's explanation.
    pub error_message: Option<String>,
}

/// A failed block.
#[derive(Debug, Clone, Deserialize)]
pub struct BlockReport {
    /// The block's text.
    #[serde(default)]
    pub context: String,
    /// Its messages.
    #[serde(default)]
    pub messages: Messages,
    /// Where its query stopped, when a property was missing.
    pub unresolved: Option<Unresolved>,
}

/// A failed disjunction.
#[derive(Debug, Clone, Deserialize)]
pub struct DisjunctionsReport {
    /// The failed alternatives.
    #[serde(default)]
    pub checks: Vec<ClauseReport>,
}

/// A failed clause.
#[derive(Debug, Clone, Deserialize)]
pub enum ClauseCheck {
    /// A unary check (`exists`, `empty`, `is_string`, ...).
    Unary(UnaryReport),
    /// A binary comparison (`==`, `in`, `<`, ...).
    Binary(BinaryReport),
}

/// A failed unary check.
#[derive(Debug, Clone, Deserialize)]
pub struct UnaryReport {
    /// What was checked.
    pub check: UnaryCheck,
    /// The clause's text.
    #[serde(default)]
    pub context: String,
    /// Its messages.
    #[serde(default)]
    pub messages: Messages,
}

/// The value a unary check looked at.
#[derive(Debug, Clone, Deserialize)]
pub enum UnaryCheck {
    /// The property was missing.
    UnResolved(ValueUnresolved),
    /// The property was there and failed the check.
    Resolved(UnaryComparison),
    /// No value: a variable that was not empty, or a rule this one depends on that failed.
    UnResolvedContext(String),
}

/// A failed binary comparison.
#[derive(Debug, Clone, Deserialize)]
pub struct BinaryReport {
    /// What was compared.
    pub check: BinaryCheck,
    /// The clause's text.
    #[serde(default)]
    pub context: String,
    /// Its messages.
    #[serde(default)]
    pub messages: Messages,
}

/// The values a binary comparison looked at.
#[derive(Debug, Clone, Deserialize)]
pub enum BinaryCheck {
    /// The left-hand property was missing.
    UnResolved(ValueUnresolved),
    /// `from <op> to` was false.
    Resolved(BinaryComparison),
    /// `from in [to...]` was false.
    InResolved(InComparison),
}

/// A missing property, with the comparison that needed it.
#[derive(Debug, Clone, Deserialize)]
pub struct ValueUnresolved {
    /// Where the query stopped.
    pub value: Unresolved,
    /// The comparison.
    pub comparison: Comparison,
}

/// Where a query stopped: the deepest value it reached and the rest of the query.
#[derive(Debug, Clone, Deserialize)]
pub struct Unresolved {
    /// The deepest value reached.
    pub traversed_to: PathValue,
    /// The part of the query that found nothing, e.g. `BucketEncryption.Rules[*]`.
    #[serde(default)]
    pub remaining_query: String,
    /// cfn-guard's reason.
    pub reason: Option<String>,
}

/// A unary check on a value that was there.
#[derive(Debug, Clone, Deserialize)]
pub struct UnaryComparison {
    /// The value.
    pub value: PathValue,
    /// The check.
    pub comparison: Comparison,
}

/// A binary comparison on two values.
#[derive(Debug, Clone, Deserialize)]
pub struct BinaryComparison {
    /// The left-hand value (from the document).
    pub from: PathValue,
    /// The right-hand value (usually a literal from the rule).
    pub to: PathValue,
    /// The operator.
    pub comparison: Comparison,
}

/// An `in` comparison.
#[derive(Debug, Clone, Deserialize)]
pub struct InComparison {
    /// The left-hand value.
    pub from: PathValue,
    /// The values it was expected among.
    #[serde(default)]
    pub to: Vec<PathValue>,
    /// The operator.
    pub comparison: Comparison,
}

/// A value with the path cfn-guard reached it by (`/Resources/B/Properties/X`, keys
/// joined with `/` and not escaped; empty for literals from the rules file).
#[derive(Debug, Clone, Deserialize)]
pub struct PathValue {
    /// The path.
    #[serde(default)]
    pub path: String,
    /// The value.
    #[serde(default)]
    pub value: Value,
}

/// An operator and whether it is negated (`!=`, `not in`, `!exists`, ...).
#[derive(Debug, Clone, Deserialize)]
pub struct Comparison(pub String, pub bool);

/// Reads the JSON `validate --output-format json` prints: a list of reports (one per
/// data document) with `--structured`, else a sequence of reports (one per rules file
/// and data document).
pub fn parse_all(json: &str) -> Result<Vec<FileReport>, String> {
    let unexpected = |e: serde_json::Error| format!("unexpected cfn-guard report: {e}");
    if json.trim_start().starts_with('[') {
        return serde_json::from_str(json).map_err(unexpected);
    }
    serde_json::Deserializer::from_str(json)
        .into_iter::<FileReport>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(unexpected)
}
