//! The vocabulary every step of a run shares: a [`Finding`] located in the source and
//! judged, how it is enforced ([`Enforcement`]), why it no longer blocks
//! ([`Suppressed`]), each rule's [`RuleResult`], and the rules the host itself reports
//! ([`HostRule`]).

use preflight_policy::{Severity, Status};
use serde::Serialize;

/// The rules preflight reports itself, besides the policies' own. Their ids are kebab
/// case (`policy-error`); reports name them and tests match them, so they live here
/// once.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum HostRule {
    /// The template could not be loaded.
    LoadError,
    /// `sam validate` rejected the template or could not run.
    SamValidate,
    /// A policy could not be loaded, trapped, ran out of time or memory, or returned a
    /// malformed result.
    PolicyError,
    /// The baseline could not be read.
    BaselineError,
    /// A template suppression without a reason, or with a malformed expiry date.
    SuppressionInvalid,
    /// A template suppression past its expiry date.
    SuppressionExpired,
    /// A template suppression of a rule configured as non-suppressible.
    SuppressionNotAllowed,
}

impl HostRule {
    /// The rule id, as findings and reports carry it.
    pub fn id(self) -> &'static str {
        self.into()
    }

    /// Whether `rule` is this host rule's id.
    pub fn is(self, rule: &str) -> bool {
        rule == self.id()
    }
}

/// How strictly a policy's findings are enforced (configured in `preflight.toml`,
/// hence defined with it).
pub use preflight_config::Enforcement;

/// One finding, located and judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id (`TPL001`, `guard-file/RULE`, `policy-error`, ...).
    pub rule: String,
    /// The policy that reported it.
    pub policy: String,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Logical id of the resource concerned.
    pub resource: Option<String>,
    /// JSON pointer into the canonical template.
    pub pointer: String,
    /// The template file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column just past the end.
    pub end_column: usize,
    /// Whether this finding stops the gate.
    pub blocking: bool,
    /// How it is enforced.
    pub enforcement: Enforcement,
    /// Set when a suppression or override silenced it: why, and by what.
    pub suppressed: Option<Suppressed>,
    /// Byte range in the source, for rendering (not serialised).
    #[serde(skip)]
    pub bytes: (usize, usize),
}

impl Finding {
    /// Whether this finding is the host's `rule`.
    pub fn is(&self, rule: HostRule) -> bool {
        rule.is(&self.rule)
    }
}

/// Why a finding no longer blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// What silenced it.
    pub by: SuppressedBy,
    /// The reason given.
    pub reason: String,
}

/// What silenced a finding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr,
)]
pub enum SuppressedBy {
    /// preflight's own `Metadata` suppression in the template.
    #[serde(rename = "template")]
    #[strum(serialize = "template")]
    Template,
    /// `--override RULE --reason TEXT` on the command line.
    #[serde(rename = "override")]
    #[strum(serialize = "override")]
    Override,
    /// cfn_nag's `rules_to_suppress` metadata.
    #[serde(rename = "cfn_nag")]
    #[strum(serialize = "cfn_nag")]
    CfnNag,
    /// checkov's `skip` metadata.
    #[serde(rename = "checkov")]
    #[strum(serialize = "checkov")]
    Checkov,
}

/// The status of one rule on one template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// Rule id.
    pub rule: String,
    /// Policy id.
    pub policy: String,
    /// pass, fail or skip.
    pub status: Status,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kebab_case_and_round_trip() {
        assert_eq!(HostRule::PolicyError.id(), "policy-error");
        assert_eq!(
            HostRule::SuppressionNotAllowed.id(),
            "suppression-not-allowed"
        );
        assert_eq!(
            "sam-validate".parse::<HostRule>().ok(),
            Some(HostRule::SamValidate)
        );
        assert_eq!(Enforcement::SoftMandatory.as_str(), "soft-mandatory");
        assert_eq!(SuppressedBy::CfnNag.to_string(), "cfn_nag");
        assert_eq!(
            serde_json::to_value(SuppressedBy::Override).unwrap(),
            serde_json::json!("override")
        );
    }
}
