//! The `preflight` binary: the command line with the built-in policies embedded.

use preflight::policies::BuiltinComponent;

fn main() -> std::process::ExitCode {
    let builtins: Vec<BuiltinComponent> = preflight_builtins::ALL
        .iter()
        .map(|b| BuiltinComponent {
            name: b.name,
            wasm: b.wasm,
            precompiled: b.precompiled,
        })
        .collect();
    preflight::cli::main(&builtins)
}
