//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF viewers.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool,
    ToolComponent,
};
use sha2::{Digest, Sha256};

use crate::evaluate::sam::SamStatus;
use crate::finding::{Finding, HostRule, SuppressedBy};
use crate::run::{RunReport, TemplateReport};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base of relative artifact URIs: the directory preflight ran in.
const SRCROOT: &str = "%SRCROOT%";

/// Where people learn about the tool (SARIF2005).
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// Writes the report as one SARIF run.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let mut rules: BTreeMap<String, ReportingDescriptor> = BTreeMap::new();
    for policy in &report.policies {
        for rule in &policy.rules {
            rules.insert(
                rule.id.clone(),
                ReportingDescriptor::builder()
                    .id(rule.id.clone())
                    .name(rule.name.clone())
                    .short_description(text(&rule.title))
                    .help(
                        MultiformatMessageString::builder()
                            .text(rule.help.clone())
                            .markdown(rule.help.clone())
                            .build(),
                    )
                    .properties(
                        PropertyBag::builder()
                            .tags(vec![policy.id.clone()])
                            .additional_properties(BTreeMap::from([(
                                "security-severity".to_string(),
                                serde_json::json!(security_severity(rule.default_severity)),
                            )]))
                            .build(),
                    )
                    .build(),
            );
        }
    }
    let mut results = Vec::new();
    for template in &report.templates {
        results.extend(template_results(template, &mut rules));
    }
    let driver = ToolComponent::builder()
        .name("preflight")
        .information_uri(INFORMATION_URI)
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules.into_values().collect::<Vec<_>>())
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .build();
    if let Ok(cwd) = std::env::current_dir() {
        let mut root = file_uri(&cwd);
        if !root.ends_with('/') {
            root.push('/');
        }
        run.original_uri_base_ids = Some(BTreeMap::from([(
            SRCROOT.to_string(),
            ArtifactLocation::builder().uri(root).build(),
        )]));
    }
    let sarif = Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

fn template_results(
    t: &TemplateReport,
    rules: &mut BTreeMap<String, ReportingDescriptor>,
) -> Vec<SarifResult> {
    let mut results = Vec::new();
    if let Some(error) = &t.error {
        ensure_rule(
            rules,
            HostRule::LoadError.id(),
            "The template can be loaded",
        );
        results.push(result(
            HostRule::LoadError.id(),
            ResultLevel::Error,
            format!("cannot load template: {}", error.message),
            location(
                &t.path,
                error.line,
                error.column,
                error.line,
                error.column + 1,
            ),
            &format!("{}:load", t.path),
        ));
    }
    if let Some(sam) = &t.sam
        && sam.status != SamStatus::Passed
    {
        ensure_rule(
            rules,
            HostRule::SamValidate.id(),
            "sam validate accepts the template",
        );
        results.push(result(
            HostRule::SamValidate.id(),
            ResultLevel::Error,
            format!("sam validate failed: {}", sam.output),
            location(&t.path, 1, 1, 1, 1),
            &format!("{}:sam", t.path),
        ));
    }
    for f in &t.findings {
        ensure_rule(rules, &f.rule, &f.rule);
        let level = if f.blocking {
            ResultLevel::Error
        } else if f.suppressed.is_some() {
            ResultLevel::Note
        } else {
            ResultLevel::Warning
        };
        let mut r = result(
            &f.rule,
            level,
            f.message.clone(),
            location(&f.file, f.line, f.column, f.end_line, f.end_column),
            &fingerprint_source(f),
        );
        if let Some(s) = &f.suppressed {
            r.suppressions = Some(vec![
                Suppression::builder()
                    .kind(serde_json::json!(if s.by == SuppressedBy::Override {
                        "external"
                    } else {
                        "inSource"
                    }))
                    .justification(s.reason.clone())
                    .build(),
            ]);
        }
        results.push(r);
    }
    results
}

fn ensure_rule(rules: &mut BTreeMap<String, ReportingDescriptor>, id: &str, title: &str) {
    rules.entry(id.to_string()).or_insert_with(|| {
        ReportingDescriptor::builder()
            .id(id)
            .short_description(text(title))
            .build()
    });
}

fn result(rule: &str, level: ResultLevel, message: String, at: Location, key: &str) -> SarifResult {
    SarifResult::builder()
        .rule_id(rule)
        .level(level)
        .message(Message::builder().text(message).build())
        .locations(vec![at])
        .partial_fingerprints(BTreeMap::from([(
            "preflight/v1".to_string(),
            hex::encode(Sha256::digest(key.as_bytes())),
        )]))
        .build()
}

/// Stable across line moves: rule, file and JSON pointer, not line numbers.
fn fingerprint_source(f: &Finding) -> String {
    format!("{}|{}|{}|{}", f.rule, f.file, f.pointer, f.message)
}

fn location(
    file: &str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
) -> Location {
    Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(file))
                .region(
                    Region::builder()
                        .start_line(line as i64)
                        .start_column(column as i64)
                        .end_line(end_line.max(line) as i64)
                        .end_column(end_column.max(1) as i64)
                        .build(),
                )
                .build(),
        )
        .build()
}

/// A template as an artifact: relative to the working directory (under `%SRCROOT%`)
/// when it is inside it, else an absolute `file:` URI (SARIF1004: a URI under a base id
/// must be relative).
fn artifact(file: &str) -> ArtifactLocation {
    let path = Path::new(file);
    let cwd = std::env::current_dir().ok();
    let relative = if path.is_absolute() {
        cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok())
    } else {
        Some(path)
    };
    match relative {
        Some(rel) => {
            let rel: PathBuf = rel
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect();
            ArtifactLocation::builder()
                .uri(encode_path(&rel.to_string_lossy()))
                .uri_base_id(SRCROOT)
                .build()
        }
        None => ArtifactLocation::builder().uri(file_uri(path)).build(),
    }
}

/// `file:///...` for an absolute path.
fn file_uri(path: &Path) -> String {
    format!("file://{}", encode_path(&path.to_string_lossy()))
}

/// Percent-encodes what a URI path may not hold as is.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.to_string())
        .build()
}

/// GitHub code scanning reads `security-severity` (0-10) to rank alerts.
fn security_severity(s: preflight_policy::Severity) -> &'static str {
    use preflight_policy::Severity::*;
    match s {
        Info => "0.0",
        Low => "3.0",
        Medium => "5.5",
        High => "8.0",
        Critical => "9.5",
    }
}
