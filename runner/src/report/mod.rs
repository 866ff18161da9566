//! Reports: the same run rendered for people (`human`), machines (`json`), code
//! scanning (`sarif`), test dashboards (`junit`), GitHub annotations (`github`) and pull
//! request comments (`markdown`); [`changes`] draws the security diff's tables for the
//! human report, `preflight diff` and the deploy report; [`policies`] lists the policies
//! for `preflight policy list` and `inspect`.

pub mod changes;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod policies;
pub mod sarif;

use std::io::{self, Write};

use crate::run::RunReport;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings with source snippets, for a terminal.
    Human,
    /// The versioned JSON report.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for CI test dashboards.
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// A markdown summary for pull requests.
    Markdown,
}

/// Writes `report` in `format` to `out`.
pub fn write(report: &RunReport, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Github => github::write(report, out),
        Format::Markdown => markdown::write(report, out),
    }
}
