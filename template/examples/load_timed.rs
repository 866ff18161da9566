//! Loads each template named on the command line and prints how long it took, with the
//! number of nodes (tab-separated): `bench/scale.sh` uses it to separate loading from
//! checking. It allocates as the `preflight` binary does (mimalloc, transparent huge
//! pages off), so that its figures are the binary's.

use std::time::Instant;

use preflight_template::{Limits, Template};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
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
