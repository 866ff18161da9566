//! Bodies of the fuzz targets (`fuzz/`), here so that the test suite replays the
//! committed corpora and crash inputs through the same code (`tests/fuzz.rs`). Each
//! checks invariants as well as "no panic": a loaded template locates every one of its
//! nodes inside its source, and any pointer and highlight a policy may return lands
//! inside the source.

use crate::{Limits, Template};

/// The committed corpus entries and crash inputs of fuzz target `target`
/// (`fuzz/corpus/<target>/`, then `fuzz/artifacts/<target>/`, each in name order), for
/// the suites that replay them. A directory that does not exist adds nothing; one that
/// cannot be read, or an entry of it, is an error.
pub fn committed_inputs(target: &str) -> std::io::Result<Vec<Vec<u8>>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut out = Vec::new();
    for dir in ["corpus", "artifacts"] {
        let entries = match std::fs::read_dir(root.join(dir).join(target)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let mut paths = entries
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<Vec<_>>>()?;
        paths.sort();
        for path in paths {
            out.push(std::fs::read(path)?);
        }
    }
    Ok(out)
}

/// Small limits, so a fuzzer explores shapes rather than sizes.
fn limits() -> Limits {
    Limits {
        max_bytes: 64 * 1024,
        max_depth: 64,
        max_alias_nodes: 1000,
    }
}

/// Loads `data` as a YAML file.
pub fn load_yaml(data: &[u8]) {
    check(Template::from_bytes(data.to_vec(), "fuzz.yaml", &limits()));
}

/// Loads `data` as a JSON file.
pub fn load_json(data: &[u8]) {
    check(Template::from_bytes(data.to_vec(), "fuzz.json", &limits()));
}

/// The host side of a policy's result: `data` is a template, then after the first NUL
/// byte a JSON pointer, then after the next NUL a highlight, as a guest may return them
/// (malformed or pointing nowhere).
pub fn locate(data: &[u8]) {
    let mut parts = data.splitn(3, |b| *b == 0);
    let text = parts.next().unwrap_or_default();
    let pointer = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let highlight = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let Ok(template) = Template::from_bytes(text.to_vec(), "fuzz.yaml", &limits()) else {
        return;
    };
    let len = template.source().len();
    let (at, _) = template.locate_nearest(&pointer);
    in_bounds(&template, at, len);
    if let Some(at) = template.locate(&pointer) {
        in_bounds(&template, at, len);
        if let Some(narrowed) = template.narrow(at, &highlight) {
            in_bounds(&template, narrowed, len);
            assert!(narrowed.start_byte >= at.start_byte && narrowed.end_byte <= at.end_byte);
        }
    }
}

fn check(result: Result<Template, crate::LoadError>) {
    let template = match result {
        Ok(t) => t,
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "{e}");
            return;
        }
    };
    let len = template.source().len();
    // Every node of the value is located, inside the source.
    let mut stack = vec![(String::new(), template.value())];
    let mut seen = 0;
    while let Some((pointer, value)) = stack.pop() {
        seen += 1;
        if seen > 20_000 {
            break;
        }
        let at = template
            .locate(&pointer)
            .unwrap_or_else(|| panic!("node {pointer} is not located"));
        in_bounds(&template, at, len);
        match value {
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{i}"), item));
                }
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let token = k.replace('~', "~0").replace('/', "~1");
                    stack.push((format!("{pointer}/{token}"), v));
                }
            }
            _ => {}
        }
    }
    // The canonical JSON is what policies get: it must load as JSON.
    let json = template.to_json();
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
}

fn in_bounds(template: &Template, at: crate::Location, len: usize) {
    assert!(
        at.start_byte <= at.end_byte && at.end_byte <= len,
        "{at:?} of {len}"
    );
    assert!(template.source().is_char_boundary(at.start_byte));
    assert!(at.line >= 1 && at.column >= 1 && at.end_line >= at.line);
}
