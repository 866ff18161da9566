//! Loads each file named on the command line and prints `ok` or the load error.
use preflight_template::{Limits, Template};

fn main() {
    let mut failed = 0;
    for path in std::env::args().skip(1) {
        match Template::load(path.as_ref(), &Limits::default()) {
            Ok(t) => println!(
                "ok {} {}",
                path,
                t.value().as_object().map_or(0, |o| o.len())
            ),
            Err(e) => {
                failed += 1;
                println!("ERR {e}");
            }
        }
    }
    std::process::exit(i32::from(failed > 0));
}
