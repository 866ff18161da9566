//! How long the deploy command will take: the median duration of the deploy command
//! in this stack's earlier verified deploys (outcome `deployed`), read from the tail of
//! `.preflight/audit.jsonl`.
//!
//! What is estimated is the deploy command alone (`deploy_ms` of an end entry), not the
//! whole run: the check and the approval before it take the same time whatever the
//! stack does, and the person waiting is waiting for the command. Entries written
//! before `deploy_ms` existed do not count.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::outcome::Outcome;

/// At most this much of the end of the log is read: a log of years of deploys (or a
/// file that is not a log at all) costs the same as a short one.
pub const TAIL_BYTES: u64 = 1024 * 1024;
/// The median is taken over at most this many of the most recent deploys, so the
/// estimate follows the stack as it grows.
pub const RECENT: usize = 20;

/// The estimate shown before the command starts, and how it compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Estimate {
    /// The median duration of the deploy command in the earlier deploys.
    pub median_ms: u64,
    /// How many earlier deploys it is the median of.
    pub deploys: usize,
    /// What was measured: always `deploy-command` (the deploy command's own duration).
    pub basis: &'static str,
    /// How long the deploy command took this time, once it ran.
    pub actual_ms: Option<u64>,
}

impl Estimate {
    /// `estimated: about 1m 20s (median of 3 earlier deploys)`.
    pub fn line(&self) -> String {
        format!(
            "estimated: about {} (median of {} earlier deploy{})",
            about(self.median_ms),
            self.deploys,
            if self.deploys == 1 { "" } else { "s" }
        )
    }
}

/// The fields of an audit line the estimate reads; everything else is ignored, and
/// a line lacking one of these (older versions, other tools) simply does not count.
#[derive(Debug, Deserialize)]
struct Line {
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    stack: Option<String>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    deploy_ms: Option<u64>,
}

/// Which deploys count as earlier deploys of this one: the same stack, or, when no
/// stack name is known, the same template.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The stack, when known.
    pub stack: Option<&'a str>,
    /// The template as the report shows it.
    pub template: &'a str,
}

/// The estimate from the log at `path`; `None` when there is no log, it cannot be
/// read, or it holds no earlier verified deploy of `subject`.
pub fn from_log(path: &Path, subject: Subject<'_>) -> Option<Estimate> {
    let mut file =
        super::nofollow::open_no_follow(path, std::fs::OpenOptions::new().read(true)).ok()?;
    let len = file.metadata().ok()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut tail = Vec::new();
    file.take(TAIL_BYTES).read_to_end(&mut tail).ok()?;
    // A read that starts inside the file starts inside a line: that line is cut.
    let text = if start > 0 {
        match tail.iter().position(|&b| b == b'\n') {
            Some(i) => &tail[i + 1..],
            None => &[][..],
        }
    } else {
        &tail[..]
    };
    from_lines(text, subject)
}

/// The estimate from the log's text (JSON lines; garbage lines are skipped).
pub fn from_lines(text: &[u8], subject: Subject<'_>) -> Option<Estimate> {
    let deployed = Outcome::Deployed.as_str();
    let mut durations: Vec<u64> = text
        .split(|&b| b == b'\n')
        .filter_map(|line| serde_json::from_slice::<Line>(line).ok())
        .filter(|l| l.event.as_deref().is_none_or(|e| e == "end"))
        .filter(|l| l.outcome.as_deref() == Some(deployed))
        .filter(|l| match subject.stack {
            Some(stack) => l.stack.as_deref() == Some(stack),
            None => l.stack.is_none() && l.template.as_deref() == Some(subject.template),
        })
        .filter_map(|l| l.deploy_ms)
        .collect();
    let recent = durations.len().saturating_sub(RECENT);
    let mut durations = durations.split_off(recent);
    let median_ms = median(&mut durations)?;
    Some(Estimate {
        median_ms,
        deploys: durations.len(),
        basis: "deploy-command",
        actual_ms: None,
    })
}

/// The median (the mean of the two middle values for an even count); `None` when
/// empty.
pub fn median(values: &mut [u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        // Halves first: two durations near u64::MAX do not overflow.
        values[mid - 1] / 2 + values[mid] / 2 + (values[mid - 1] % 2 + values[mid] % 2) / 2
    })
}

/// A duration rounded for a person: `45s`, `1m 20s`, `2h 5m`.
pub fn about(ms: u64) -> String {
    let s = ms.saturating_add(500) / 1000;
    if s < 60 {
        format!("{}s", s.max(1))
    } else if s < 3600 {
        match s % 60 {
            0 => format!("{}m", s / 60),
            rest => format!("{}m {rest}s", s / 60),
        }
    } else {
        let m = (s + 30) / 60;
        match m % 60 {
            0 => format!("{}h", m / 60),
            rest => format!("{}h {rest}m", m / 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: Subject<'static> = Subject {
        stack: Some("demo"),
        template: "template.yaml",
    };

    fn line(stack: &str, outcome: &str, deploy_ms: Option<u64>) -> String {
        let mut v = serde_json::json!({
            "event": "end", "time": "2026-01-01T00:00:00Z", "stack": stack,
            "template": "template.yaml", "outcome": outcome, "duration_ms": 999_999,
        });
        if let Some(ms) = deploy_ms {
            v["deploy_ms"] = ms.into();
        }
        v.to_string()
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(median(&mut [10, 30]), Some(20));
        assert_eq!(median(&mut [u64::MAX, u64::MAX]), Some(u64::MAX));
        assert_eq!(median(&mut [u64::MAX - 1, u64::MAX]), Some(u64::MAX - 1));
    }

    #[test]
    fn only_this_stacks_verified_deploys_with_a_command_duration_count() {
        let log = [
            line("demo", "deployed", Some(60_000)),
            line("other", "deployed", Some(1)),
            line("demo", "failed", Some(2)),
            line("demo", "blocked", None),
            // Written before deploy_ms existed: the whole run's duration is not used.
            line("demo", "deployed", None),
            r#"{"event":"start","stack":"demo","outcome":"deployed","deploy_ms":3}"#.into(),
            "not json at all".into(),
            "{\"stack\": \"demo\", \"outcome\": \"deployed\", \"deploy_ms\": \"soon\"}".into(),
            "\u{0}\u{1}garbage".into(),
            line("demo", "deployed", Some(100_000)),
            line("demo", "deployed", Some(80_000)),
        ]
        .join("\n");
        let e = from_lines(log.as_bytes(), DEMO).unwrap();
        assert_eq!((e.median_ms, e.deploys), (80_000, 3));
        assert_eq!(
            e.line(),
            "estimated: about 1m 20s (median of 3 earlier deploys)"
        );
        assert_eq!(from_lines(b"", DEMO), None);
        let nameless = Subject {
            stack: None,
            template: "template.yaml",
        };
        assert_eq!(from_lines(log.as_bytes(), nameless), None);
    }

    #[test]
    fn the_most_recent_deploys_count() {
        let log: Vec<String> = (0..RECENT as u64 + 10)
            .map(|i| line("demo", "deployed", Some(if i < 10 { 1 } else { 1000 })))
            .collect();
        let e = from_lines(log.join("\n").as_bytes(), DEMO).unwrap();
        assert_eq!((e.median_ms, e.deploys), (1000, RECENT));
    }

    #[test]
    fn a_huge_log_is_read_from_its_tail_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut text = line("demo", "deployed", Some(5_000_000));
        text.push('\n');
        // Garbage without a newline, larger than the tail: the old entry is out of
        // reach, and the cut line before the new one is skipped.
        text.push_str(&"x".repeat(TAIL_BYTES as usize + 10));
        text.push('\n');
        text.push_str(&line("demo", "deployed", Some(30_000)));
        text.push('\n');
        std::fs::write(&path, &text).unwrap();
        let e = from_log(&path, DEMO).unwrap();
        assert_eq!((e.median_ms, e.deploys), (30_000, 1));
        assert_eq!(
            e.line(),
            "estimated: about 30s (median of 1 earlier deploy)"
        );
        assert_eq!(from_log(&dir.path().join("missing.jsonl"), DEMO), None);
        assert_eq!(from_log(dir.path(), DEMO), None);
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(about(0), "1s");
        assert_eq!(about(44_600), "45s");
        assert_eq!(about(80_000), "1m 20s");
        assert_eq!(about(120_000), "2m");
        assert_eq!(about(3_600_000), "1h");
        assert_eq!(about(7_500_000), "2h 5m");
        assert_eq!(about(u64::MAX), about(u64::MAX));
    }
}
