//! Body of the `config` fuzz target (`fuzz/`), here so that the suite replays the
//! committed corpus and crash inputs through the same code (`tests/fuzz.rs`). Besides
//! "no panic" it checks what the rest of preflight relies on: an error names a place
//! inside the file, and a configuration that is accepted is usable as read (its
//! durations and limits in range, its policy settings convertible to the JSON policies
//! get) and reads back the same after being written out.

use std::path::Path;

use crate::{
    Config, ConfigError, MAX_DURATION, MAX_POLICY_MEMORY_MIB, MAX_POLICY_TIMEOUT_MS,
    MAX_SAM_TIMEOUT_SECONDS, MIN_DURATION, parse_duration,
};

/// `data` as the text of `preflight.toml`.
pub fn parse(data: &[u8]) {
    // The loader refuses a file that is not UTF-8 before parsing it.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() <= 64
        && let Ok(duration) = parse_duration(text)
    {
        assert!(
            (MIN_DURATION..=MAX_DURATION).contains(&duration),
            "{text:?}"
        );
    }
    let lines = text.split('\n').count();
    let (line, column) = super::key_position(text, &["deploy", "timeout"]);
    assert!(line >= 1 && line <= lines && column >= 1);
    match Config::parse(text, Path::new("fuzz.toml")) {
        Ok(config) => accepted(&config),
        Err(error) => {
            assert!(!error.to_string().trim().is_empty());
            if let ConfigError::At { line, column, .. } = error {
                assert!(line >= 1 && line <= lines && column >= 1, "{line}:{column}");
            }
        }
    }
}

fn accepted(config: &Config) {
    if let Some(timeout) = &config.deploy.timeout {
        let duration = parse_duration(timeout).expect("an accepted timeout parses");
        assert!((MIN_DURATION..=MAX_DURATION).contains(&duration));
    }
    if let Some(ms) = config.sandbox.timeout_ms {
        assert!((1..=MAX_POLICY_TIMEOUT_MS).contains(&ms));
    }
    if let Some(mib) = config.sandbox.memory_mib {
        assert!((1..=MAX_POLICY_MEMORY_MIB).contains(&mib));
    }
    if let Some(seconds) = config.sam.timeout_seconds {
        assert!((1..=MAX_SAM_TIMEOUT_SECONDS).contains(&seconds));
    }
    for (name, policy) in &config.policies {
        assert!(policy.path.is_none() || policy.sha256.is_some(), "{name}");
        if let Some(settings) = &policy.settings {
            let json = serde_json::to_value(settings).expect("settings convert to JSON");
            assert!(json.is_object(), "{name}: {json}");
        }
    }
    let _ = config.loader_limits();
    // Written out and read back, the configuration is the same.
    if let Ok(written) = toml::to_string(config) {
        let again = Config::parse(&written, Path::new("written.toml"))
            .unwrap_or_else(|e| panic!("a written configuration reads back: {e}\n{written}"));
        assert_eq!(toml::to_string(&again).ok().as_deref(), Some(&*written));
    }
}
