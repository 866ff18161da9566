//! The versioned JSON report (`--format json`).

use std::io::{self, Write};

use crate::run::RunReport;

/// Writes the report as pretty JSON with a trailing newline.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
