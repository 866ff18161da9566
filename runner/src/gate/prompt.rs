//! Asking at the terminal whether to approve a change set: the question (and the
//! change tables, unless the report on standard output already shows them) go to
//! standard error, the answers come from standard input.

use std::io::{self, BufRead, Write};

use super::approval::Prompt;
use super::changes::SecurityChanges;
use super::report::human::write_changes;
use crate::style::{BOLD, RESET};

/// Asks on the terminal: the question (and the change tables, unless the report on
/// standard output already shows them) go to standard error, the answers come from
/// standard input.
pub struct TerminalPrompt {
    /// Whether to show the change tables before asking.
    pub show_changes: bool,
}

impl Prompt for TerminalPrompt {
    fn ask(&mut self, changes: &SecurityChanges) -> io::Result<Option<String>> {
        let mut err = anstream::stderr().lock();
        if self.show_changes {
            writeln!(err)?;
            write_changes(changes, &mut err)?;
        }
        write!(
            err,
            "\n{BOLD}Approve these security changes (digest {})?{RESET} [y/N] ",
            changes.digest()
        )?;
        err.flush()?;
        let stdin = io::stdin();
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        if !matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Ok(None);
        }
        write!(
            err,
            "Reason (recorded in .preflight/audit.jsonl, optional): "
        )?;
        err.flush()?;
        let mut reason = String::new();
        stdin.lock().read_line(&mut reason)?;
        Ok(Some(reason.trim().to_string()))
    }
}
