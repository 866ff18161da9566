//! The `preflight` binary: the command line with the built-in policies embedded.

use preflight::load::policies::BuiltinComponent;

fn main() -> std::process::ExitCode {
    preflight::cli::main(&BuiltinComponent::embedded())
}
