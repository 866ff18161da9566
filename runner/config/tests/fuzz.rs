//! The `config` fuzz target's body, run by the suite: every committed corpus entry and
//! crash input (`fuzz/corpus/config/`, `fuzz/artifacts/config/`), then a deterministic
//! smoke of corpus entries with lines dropped, doubled and cut.

use std::path::Path;

fn inputs() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut out = Vec::new();
    for dir in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join("config")) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        out.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
    }
    out
}

#[test]
fn config_target() {
    let corpus = inputs();
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
