//! The security diff for people: `cdk diff`-style tables of IAM statement, managed
//! policy, security group and other security-relevant changes.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};
use preflight_policy::diff::{ChangeKind, ChangeSet};

/// Writes the tables, each with a heading; a line when nothing changed.
pub fn write_tables(changes: &ChangeSet, out: &mut dyn Write) -> io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "No security-relevant changes.");
    }
    let tables = changes.tables();
    if !tables.statements.is_empty() {
        writeln!(out, "IAM Statement Changes")?;
        let mut t = table(&["", "Resource", "Effect", "Action", "Principal", "Condition"]);
        for r in &tables.statements {
            t.add_row(vec![
                Cell::new(format!(
                    "{}{}",
                    r.sign.as_str(),
                    if r.broadening { "!" } else { "" }
                )),
                Cell::new(&r.resource),
                Cell::new(&r.effect),
                Cell::new(&r.action),
                Cell::new(&r.principal),
                Cell::new(&r.condition),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !tables.managed_policies.is_empty() {
        writeln!(out, "IAM Policy Changes")?;
        let mut t = table(&["", "Resource", "Managed Policy ARN"]);
        for r in &tables.managed_policies {
            t.add_row(vec![
                Cell::new(format!(
                    "{}{}",
                    r.sign.as_str(),
                    if r.broadening { "!" } else { "" }
                )),
                Cell::new(&r.resource),
                Cell::new(&r.arn),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !tables.security_groups.is_empty() {
        writeln!(out, "Security Group Changes")?;
        let mut t = table(&["", "Group", "Dir", "Protocol", "Peer"]);
        for r in &tables.security_groups {
            t.add_row(vec![
                Cell::new(format!(
                    "{}{}",
                    r.sign.as_str(),
                    if r.broadening { "!" } else { "" }
                )),
                Cell::new(&r.group),
                Cell::new(&r.dir),
                Cell::new(&r.protocol),
                Cell::new(&r.peer),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !tables.other.is_empty() {
        writeln!(out, "Other Security Changes")?;
        let mut t = table(&["", "Category", "Resource", "Change"]);
        for r in &tables.other {
            let sign = match r.change {
                ChangeKind::Added => "+",
                ChangeKind::Removed => "-",
                ChangeKind::Modified => "~",
            };
            t.add_row(vec![
                Cell::new(format!("{sign}{}", if r.broadening { "!" } else { "" })),
                Cell::new(&r.category),
                Cell::new(&r.resource),
                Cell::new(&r.description),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    let broadening = changes.changes.iter().filter(|c| c.broadening).count();
    writeln!(
        out,
        "{} security change{}, {} broadening (marked `!`); digest {}",
        changes.changes.len(),
        if changes.changes.len() == 1 { "" } else { "s" },
        broadening,
        changes.digest
    )
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| Cell::new(*h)));
    t
}
