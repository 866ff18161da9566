//! The `preflight` binary: the command line with the built-in policies embedded.

use preflight::load::policies::BuiltinComponent;

// The loader and the reports allocate a node or more per template node; glibc's free of
// a large template's tree (its chunk consolidation) cost more than building it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    preflight::cli::main(&BuiltinComponent::embedded())
}
