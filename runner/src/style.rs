//! The reports' palette, as anstyle styles. Reports write them unconditionally; the
//! stream they write to (anstream) strips them when it is not a terminal.

use anstyle::{AnsiColor, Color, Reset, Style};

/// Headings and commands to copy.
pub const BOLD: Style = Style::new().bold();
/// Context that matters less.
pub const DIM: Style = Style::new().dimmed();
/// Failures.
pub const RED: Style = AnsiColor::Red.on_default();
/// Successes.
pub const GREEN: Style = AnsiColor::Green.on_default();
/// Warnings and what was not checked.
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
/// The `error` label of a message that ends the command.
pub const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Red)));
/// Back to plain text.
pub const RESET: Reset = Reset;
