//! Loads each template named on the command line and prints how long it took, with the
//! number of nodes (tab-separated): `bench/scale.sh` uses it to separate loading from
//! checking.

use std::time::Instant;

use preflight_template::{Limits, Template};

fn main() {
    let mut failed = false;
    for path in std::env::args_os().skip(1) {
        let path = std::path::PathBuf::from(path);
        let started = Instant::now();
        match Template::load(&path, &Limits::default()) {
            Ok(template) => {
                let elapsed = started.elapsed();
                println!(
                    "{}\t{:.3}\t{}",
                    path.display(),
                    elapsed.as_secs_f64(),
                    count(template.value())
                );
            }
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    std::process::exit(i32::from(failed));
}

fn count(value: &serde_json::Value) -> usize {
    let mut stack = vec![value];
    let mut n = 0;
    while let Some(v) = stack.pop() {
        n += 1;
        match v {
            serde_json::Value::Array(items) => stack.extend(items),
            serde_json::Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    n
}
