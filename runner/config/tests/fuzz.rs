//! The `config` fuzz target's body, run by the suite: every committed corpus entry and
//! crash input (`fuzz/corpus/config/`, `fuzz/artifacts/config/`), then a deterministic
//! smoke of corpus entries with lines dropped, doubled and cut.

use std::path::Path;

use preflight_template::fuzz::committed_inputs;

#[test]
fn config_target() {
    let corpus = committed_inputs("config").unwrap();
    assert!(!corpus.is_empty(), "fuzz/corpus/config has entries");
    let mut accepted = 0;
    for input in &corpus {
        preflight_config::fuzz::parse(input);
        let text = String::from_utf8_lossy(input);
        accepted += usize::from(preflight_config::Config::parse(&text, Path::new("c")).is_ok());
    }
    assert!(accepted > 0, "some corpus entries are valid configurations");
    for input in &corpus {
        let lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
        for i in 0..lines.len() {
            let mut dropped = lines.clone();
            dropped.remove(i);
            preflight_config::fuzz::parse(&dropped.join(&b'\n'));
            let mut doubled = lines.clone();
            doubled.insert(i, lines[i]);
            preflight_config::fuzz::parse(&doubled.join(&b'\n'));
            let line = lines[i];
            preflight_config::fuzz::parse(
                &[&lines[..i].join(&b'\n'), &line[..line.len() / 2]].concat(),
            );
        }
    }
}
