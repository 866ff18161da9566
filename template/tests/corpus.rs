//! Real templates load. Reads ../shared/corpus when present (it is not part of the
//! repository); says so and passes vacuously when it is absent.

use std::path::{Path, PathBuf};

use preflight_template::{Limits, LoadErrorKind, Template};

fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: ../shared/corpus/{sub} is absent");
        None
    }
}

fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every template listed in serverless-patterns loads, except the two malformed upstream
/// (which must be reported, not crash) and those with duplicate keys (an error
/// CloudFormation shares).
#[test]
fn serverless_patterns_load() {
    let Some(dir) = corpus("serverless-patterns") else {
        return;
    };
    let listing = std::fs::read_to_string(dir.join("_templates.tsv")).unwrap();
    let mut loaded = 0;
    let mut duplicate_keys = Vec::new();
    let mut malformed = Vec::new();
    for line in listing.lines().skip(1) {
        let rel = line.split('\t').next().unwrap();
        match Template::load(&dir.join(rel), &Limits::default()) {
            Ok(t) => {
                assert!(t.value().is_object() || t.value().is_null(), "{rel}");
                loaded += 1;
            }
            Err(e) if matches!(e.kind, LoadErrorKind::DuplicateKey { .. }) => {
                duplicate_keys.push(rel.to_string())
            }
            Err(e) => malformed.push(format!("{rel}: {e}")),
        }
    }
    eprintln!(
        "loaded {loaded}, duplicate keys {}, malformed {}",
        duplicate_keys.len(),
        malformed.len()
    );
    assert_eq!(malformed.len(), 2, "{malformed:#?}");
    assert!(
        malformed[0].starts_with("apigw-custom-domain-edge/"),
        "{malformed:#?}"
    );
    assert!(
        malformed[1].starts_with("rds-sns-event-notification/"),
        "{malformed:#?}"
    );
    assert!(loaded >= 540, "only {loaded} loaded");
}

/// The other corpora's templates load, and every JSON template equals itself re-parsed.
#[test]
fn other_corpora_load() {
    for (sub, exts) in [
        ("cfn_nag/templates", &["json", "yaml", "yml"][..]),
        ("cdk-iam-diff", &["json"][..]),
    ] {
        let Some(dir) = corpus(sub) else { continue };
        let all = files(&dir, exts);
        assert!(!all.is_empty());
        let failed: Vec<String> = all
            .iter()
            .filter_map(|p| {
                Template::load(p, &Limits::default())
                    .err()
                    .map(|e| e.to_string())
            })
            .collect();
        eprintln!("{sub}: {} files, {} failed", all.len(), failed.len());
        assert!(failed.is_empty(), "{failed:#?}");
    }
}
