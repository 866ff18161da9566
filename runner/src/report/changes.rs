//! The security diff for people: `cdk diff`-style tables of IAM statement, managed
//! policy, security group and other security-relevant changes.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};
use preflight_policy::diff::{ChangeKind, ChangeSet, Sign};

/// Writes the tables, each with a heading; a line when nothing changed.
pub fn write_tables(changes: &ChangeSet, out: &mut dyn Write) -> io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "No security-relevant changes.");
    }
    let tables = changes.tables();
    // `+`/`-` for added/removed rows, `!` for broadening ones.
    let sign = |s: &str, broadening: bool| format!("{s}{}", if broadening { "!" } else { "" });
    section(
        out,
        "IAM Statement Changes",
        &["", "Resource", "Effect", "Action", "Principal", "Condition"],
        tables.statements.iter().map(|r| {
            // A modified statement's old row is context, not the broadening part,
            // unless what went away was a Deny.
            let marked = r.broadening && (r.sign == Sign::Added || r.effect == "Deny");
            vec![
                sign(r.sign.as_str(), marked),
                r.resource.clone(),
                r.effect.clone(),
                r.action.clone(),
                r.principal.clone(),
                r.condition.clone(),
            ]
        }),
    )?;
    section(
        out,
        "IAM Policy Changes",
        &["", "Resource", "Managed Policy ARN"],
        tables.managed_policies.iter().map(|r| {
            let marked = r.broadening && r.sign == Sign::Added;
            vec![
                sign(r.sign.as_str(), marked),
                r.resource.clone(),
                r.arn.clone(),
            ]
        }),
    )?;
    section(
        out,
        "Security Group Changes",
        &["", "Group", "Dir", "Protocol", "Peer"],
        tables.security_groups.iter().map(|r| {
            let marked = r.broadening && r.sign == Sign::Added;
            vec![
                sign(r.sign.as_str(), marked),
                r.group.clone(),
                r.dir.clone(),
                r.protocol.clone(),
                r.peer.clone(),
            ]
        }),
    )?;
    section(
        out,
        "Other Security Changes",
        &["", "Category", "Resource", "Change"],
        tables.other.iter().map(|r| {
            let s = match r.change {
                ChangeKind::Added => "+",
                ChangeKind::Removed => "-",
                ChangeKind::Modified => "~",
            };
            vec![
                sign(s, r.broadening),
                r.category.clone(),
                r.resource.clone(),
                r.description.clone(),
            ]
        }),
    )?;
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

/// Writes a titled table, or nothing when there are no rows.
fn section(
    out: &mut dyn Write,
    title: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<()> {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| Cell::new(*h)));
    for row in rows {
        t.add_row(row);
    }
    if t.row_count() == 0 {
        return Ok(());
    }
    writeln!(out, "{title}")?;
    writeln!(out, "{t}")
}
