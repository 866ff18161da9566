//! The `preflight` binary: the command line with the built-in policies embedded.

use preflight::load::policies::BuiltinComponent;

// The loader and the reports allocate a node or more per template node; glibc's free of
// a large template's tree (its chunk consolidation) cost more than building it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // mimalloc's segments are aligned to 2 MiB, so where transparent huge pages are on
    // for every mapping, the first touch of each zeroes a whole huge page: a 5 MiB
    // template's check spent a third of its time in the kernel's clear_page. The process
    // allocates little that would gain from huge pages (docs/benchmarks.md, Scale).
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    preflight::cli::main(&BuiltinComponent::embedded())
}
