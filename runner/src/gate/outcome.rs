//! How a gated deploy ends, and the exit status each ending gives.

use serde::Serialize;

/// How the gated deploy ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Outcome {
    /// Still running (never in a finished report).
    Pending,
    /// Gated, run and verified; the baseline was recorded. Exit 0.
    Deployed,
    /// The gate blocked it; the command never started. Exit 3.
    Blocked,
    /// The command failed, was stopped, or verification failed. Exit 4.
    Failed,
    /// The template could not be loaded. Exit 2.
    Error,
}

impl Outcome {
    /// The process exit status for this outcome.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pending | Outcome::Deployed => 0,
            Outcome::Error => 2,
            Outcome::Blocked => 3,
            Outcome::Failed => 4,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
