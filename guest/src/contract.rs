//! What a host accepts from a policy's `evaluate`: a [`Report`] within [`ResultLimits`]
//! (how many findings and rule statuses, how many bytes of text), whose rule ids are
//! printable and whose pointers are JSON pointers. preflight's sandbox checks every
//! report with [`check_report`] before it reads anything of it, and reports a policy
//! that breaks these rules as a `policy-error`; policy authors can check their own
//! reports the same way.
//!
//! Here rather than in the host so that the fuzz target of the host's side of the
//! boundary (`fuzz/`, [`fuzz`]) builds without the sandbox.

use std::fmt;

use crate::Report;

/// Bounds on one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultLimits {
    /// Most findings one report may hold; rule statuses are bounded the same.
    pub max_findings: usize,
    /// Most bytes of text (rule ids, messages, resources, pointers, highlights) in one
    /// report.
    pub max_bytes: usize,
}

impl Default for ResultLimits {
    fn default() -> Self {
        ResultLimits {
            max_findings: 10_000,
            max_bytes: 8 * 1024 * 1024,
        }
    }
}

/// The longest rule id accepted, in bytes (Guard's are `file/RULE`, so paths).
pub const MAX_RULE_ID_BYTES: usize = 1024;

/// Why a report was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// More findings than [`ResultLimits::max_findings`].
    TooManyFindings {
        /// How many the report holds.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// More rule statuses than [`ResultLimits::max_findings`].
    TooManyStatuses {
        /// How many the report holds.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// More text than [`ResultLimits::max_bytes`].
    TooLarge {
        /// Bytes of text in the report.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A rule id that is empty, longer than [`MAX_RULE_ID_BYTES`] or holds a control
    /// character (a line break would forge lines in reports and CI annotations).
    RuleId(String),
    /// A finding whose pointer is not a JSON pointer (RFC 6901).
    Pointer {
        /// The finding's rule id.
        rule: String,
        /// The pointer.
        pointer: String,
    },
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::TooManyFindings { count, limit } => {
                write!(f, "{count} findings, over the limit of {limit}")
            }
            Malformed::TooManyStatuses { count, limit } => {
                write!(f, "{count} rule statuses, over the limit of {limit}")
            }
            Malformed::TooLarge { bytes, limit } => {
                write!(f, "{bytes} bytes of findings, over the limit of {limit}")
            }
            Malformed::RuleId(rule) => write!(
                f,
                "rule id `{}` is not valid (1-{MAX_RULE_ID_BYTES} bytes, no control characters)",
                shorten(rule)
            ),
            Malformed::Pointer { rule, pointer } => write!(
                f,
                "finding for rule `{}` has a malformed JSON pointer `{}`",
                shorten(rule),
                shorten(pointer)
            ),
        }
    }
}

impl std::error::Error for Malformed {}

/// Bytes of text of one finding, as [`ResultLimits::max_bytes`] counts them.
fn finding_bytes(f: &crate::Finding) -> usize {
    f.rule.len()
        + f.message.len()
        + f.pointer.len()
        + f.resource.as_ref().map_or(0, String::len)
        + f.highlight.as_ref().map_or(0, String::len)
}

/// Cuts `report`'s findings down to those that fit `limits` (the first ones, in the
/// policy's order) when there are more, or more bytes of them, than the limits allow,
/// and says what was over. A policy that finds the same thing in each of thousands of
/// resources has not broken the contract: what fits is still worth reporting, and the
/// host says that the rest was cut. Statuses are not cut (they are bounded by the
/// policy's rules), nor checked: [`check_report`] does that.
pub fn fit_report(report: &mut Report, limits: &ResultLimits) -> Option<Malformed> {
    let count = report.findings.len();
    let bytes: usize = report.findings.iter().map(finding_bytes).sum();
    let status_bytes: usize = report.rules.iter().map(|r| r.rule.len()).sum();
    let budget = limits.max_bytes.saturating_sub(status_bytes);
    if count <= limits.max_findings && bytes <= budget {
        return None;
    }
    let mut used = 0;
    let fits = report
        .findings
        .iter()
        .take(limits.max_findings)
        .take_while(|f| {
            used += finding_bytes(f);
            used <= budget
        })
        .count();
    report.findings.truncate(fits);
    Some(if count > limits.max_findings {
        Malformed::TooManyFindings {
            count,
            limit: limits.max_findings,
        }
    } else {
        Malformed::TooLarge {
            bytes: bytes + status_bytes,
            limit: limits.max_bytes,
        }
    })
}

/// Checks `report` against `limits` and the contract: counts first, then the bytes of
/// text, then each rule id and pointer.
pub fn check_report(report: &Report, limits: &ResultLimits) -> Result<(), Malformed> {
    if report.findings.len() > limits.max_findings {
        return Err(Malformed::TooManyFindings {
            count: report.findings.len(),
            limit: limits.max_findings,
        });
    }
    if report.rules.len() > limits.max_findings {
        return Err(Malformed::TooManyStatuses {
            count: report.rules.len(),
            limit: limits.max_findings,
        });
    }
    let bytes: usize = report.findings.iter().map(finding_bytes).sum::<usize>()
        + report.rules.iter().map(|r| r.rule.len()).sum::<usize>();
    if bytes > limits.max_bytes {
        return Err(Malformed::TooLarge {
            bytes,
            limit: limits.max_bytes,
        });
    }
    let rules = report.findings.iter().map(|f| &f.rule);
    if let Some(rule) = rules
        .chain(report.rules.iter().map(|r| &r.rule))
        .find(|rule| !valid_rule_id(rule))
    {
        return Err(Malformed::RuleId(rule.clone()));
    }
    if let Some(f) = report
        .findings
        .iter()
        .find(|f| !crate::pointer::is_well_formed(&f.pointer))
    {
        return Err(Malformed::Pointer {
            rule: f.rule.clone(),
            pointer: f.pointer.clone(),
        });
    }
    Ok(())
}

fn valid_rule_id(rule: &str) -> bool {
    !rule.is_empty() && rule.len() <= MAX_RULE_ID_BYTES && !rule.chars().any(char::is_control)
}

/// The first 100 characters, for messages, with control characters escaped: the text
/// comes from the guest, and a line break in it would forge a line of the report.
fn shorten(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(104));
    for (i, c) in text.chars().enumerate() {
        if i == 100 {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// Body of the `policy-results` fuzz target (`fuzz/`), here so the suite replays its
/// corpus (`guest/tests/fuzz.rs`): `data` is read as a report a guest may return
/// ([`decode`]), checked with small limits. A report that is accepted keeps within
/// them; one that is refused says why in one bounded line; and `loader_reads` (the
/// loader's pointer parser, which the SDK does not depend on) accepts exactly the
/// pointers [`crate::pointer::is_well_formed`] does.
#[doc(hidden)]
pub fn fuzz(data: &[u8], loader_reads: fn(&str) -> bool) {
    let limits = ResultLimits {
        max_findings: 64,
        max_bytes: 4096,
    };
    let report = decode(data);
    match check_report(&report, &limits) {
        Ok(()) => {
            assert!(report.findings.len() <= limits.max_findings);
            assert!(report.rules.len() <= limits.max_findings);
            for f in &report.findings {
                assert!(valid_rule_id(&f.rule));
                assert!(f.pointer.is_empty() || f.pointer.starts_with('/'));
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.contains('\n') && message.len() < 1024,
                "{message:?}"
            );
        }
    }
    for finding in report.findings.iter().take(64) {
        assert_eq!(
            crate::pointer::is_well_formed(&finding.pointer),
            loader_reads(&finding.pointer),
            "{:?}",
            finding.pointer
        );
    }
}

/// Reads a report from fuzzer bytes: records separated by NUL bytes. A record whose
/// first byte is below 0x80 is a finding (`severity byte`, then `rule`, `message`,
/// `pointer`, `resource` and `highlight` separated by 0x01; a missing part is empty, or
/// absent for the optional ones); any other record is a rule status (`status byte`,
/// then the rule id). A record `*N` repeats the previous one N times (huge lists; bounded, so that
/// a run stays within libFuzzer's memory limit).
#[doc(hidden)]
pub fn decode(data: &[u8]) -> Report {
    use crate::{Finding, RuleStatus, Severity, Status};
    let text = |b: Option<&[u8]>| String::from_utf8_lossy(b.unwrap_or_default()).into_owned();
    let mut report = Report::default();
    let mut last_was_finding = true;
    for record in data.split(|b| *b == 0) {
        let Some((&kind, rest)) = record.split_first() else {
            continue;
        };
        if kind == b'*' {
            let times: usize = text(Some(rest)).trim().parse().unwrap_or(0);
            // At most 20,000 copies (twice the default limit) and 1 MB of copied text
            // per record: enough to overflow any limit, cheap enough for 1 s a run.
            let times = |bytes: usize| times.min(20_000).min(1_000_000 / (bytes + 1));
            if last_was_finding && let Some(f) = report.findings.last().cloned() {
                let bytes = f.rule.len()
                    + f.message.len()
                    + f.pointer.len()
                    + f.resource.as_ref().map_or(0, String::len)
                    + f.highlight.as_ref().map_or(0, String::len);
                report.findings.extend(std::iter::repeat_n(f, times(bytes)));
            } else if let Some(r) = report.rules.last().cloned() {
                let bytes = r.rule.len();
                report.rules.extend(std::iter::repeat_n(r, times(bytes)));
            }
            continue;
        }
        if kind < 0x80 {
            let mut parts = rest.split(|b| *b == 1);
            let severity = [
                Severity::Info,
                Severity::Low,
                Severity::Medium,
                Severity::High,
                Severity::Critical,
            ][usize::from(kind) % 5];
            report.findings.push(Finding {
                rule: text(parts.next()),
                severity,
                message: text(parts.next()),
                pointer: text(parts.next()),
                resource: parts.next().map(|b| text(Some(b))),
                highlight: parts.next().map(|b| text(Some(b))),
            });
            last_was_finding = true;
        } else {
            let status = [Status::Pass, Status::Fail, Status::Skip][usize::from(kind) % 3];
            report.rules.push(RuleStatus {
                rule: text(Some(rest)),
                status,
            });
            last_was_finding = false;
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Finding, Severity};

    fn report(messages: &[&str]) -> Report {
        Report {
            findings: messages
                .iter()
                .map(|m| Finding {
                    rule: "R1".into(),
                    severity: Severity::Low,
                    message: m.to_string(),
                    resource: None,
                    pointer: String::new(),
                    highlight: None,
                })
                .collect(),
            rules: Vec::new(),
        }
    }

    #[test]
    fn a_report_within_the_limits_is_left_whole() {
        let mut r = report(&["a", "b"]);
        let limits = ResultLimits {
            max_findings: 2,
            max_bytes: 6,
        };
        assert_eq!(fit_report(&mut r, &limits), None);
        assert_eq!(r.findings.len(), 2);
    }

    #[test]
    fn too_many_findings_keep_the_first_that_fit() {
        let mut r = report(&["a", "b", "c"]);
        let limits = ResultLimits {
            max_findings: 2,
            max_bytes: 1000,
        };
        assert_eq!(
            fit_report(&mut r, &limits),
            Some(Malformed::TooManyFindings { count: 3, limit: 2 })
        );
        let kept: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(kept, ["a", "b"]);
        assert_eq!(check_report(&r, &limits), Ok(()));
    }

    #[test]
    fn too_many_bytes_keep_the_findings_within_the_budget() {
        // Each finding is 2 bytes of rule id and 3 of message.
        let mut r = report(&["abc", "def", "ghi"]);
        let limits = ResultLimits {
            max_findings: 10,
            max_bytes: 11,
        };
        assert_eq!(
            fit_report(&mut r, &limits),
            Some(Malformed::TooLarge {
                bytes: 15,
                limit: 11
            })
        );
        assert_eq!(r.findings.len(), 2);
        assert_eq!(check_report(&r, &limits), Ok(()));
        // One finding larger than the whole budget leaves none.
        let mut r = report(&["a very long message"]);
        assert!(fit_report(&mut r, &limits).is_some());
        assert!(r.findings.is_empty());
    }
}
