//! The built-in policies, embedded in the `preflight` binary.
//!
//! `build.rs` builds each guest crate under `policies/` for `wasm32-wasip2` (in its own
//! target directory inside `OUT_DIR`, rebuilt when a file listed in the guests' dep-info
//! changes) and embeds the component. When `make build` has
//! precompiled them for this wasmtime (`target/precompiled/<name>.cwasm`, made by
//! `preflight self precompile` from the same component bytes), the native artifact is
//! embedded too, so a cold process never compiles a built-in.

/// One embedded policy component.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The policy's name in configuration (`template`, `security`, `guard`).
    pub name: &'static str,
    /// The WebAssembly component.
    pub wasm: &'static [u8],
    /// The component compiled for this host by this wasmtime, when available.
    pub precompiled: Option<&'static [u8]>,
    /// Whether it runs without being configured.
    pub on_by_default: bool,
    /// Its enforcement when the configuration names none (`advisory`,
    /// `soft-mandatory` or `hard-mandatory`).
    pub enforcement: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/builtins.rs"));
