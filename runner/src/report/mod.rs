//! Reports: the same run rendered for people (`human`), machines (`json`), code
//! scanning (`sarif`), test dashboards (`junit`), GitHub annotations (`github`) and pull
//! request comments (`markdown`).

pub mod human;
pub mod json;

use std::io::{self, Write};

use crate::run::RunReport;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings with source snippets, for a terminal.
    Human,
    /// The versioned JSON report.
    Json,
}

/// Writes `report` in `format` to `out`.
pub fn write(report: &RunReport, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, out),
        Format::Json => json::write(report, out),
    }
}
