//! `preflight self precompile --out DIR`: compiles the built-in policies for this
//! wasmtime, so the next build embeds native code and no run compiles a built-in.

use std::path::PathBuf;

use clap::Subcommand;
use sha2::{Digest, Sha256};

use super::{Exit, Failure};
use crate::load::policies::BuiltinComponent;
use crate::sandbox::{CompileCache, PolicyHost};

/// Maintenance subcommands.
#[derive(Debug, Subcommand)]
pub enum SelfCommand {
    /// Writes `<name>.cwasm` and `<name>.cwasm.source-sha256` for each built-in.
    Precompile {
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// Runs a maintenance subcommand.
pub fn run(cmd: SelfCommand, builtins: &[BuiltinComponent]) -> Result<Exit, Failure> {
    let SelfCommand::Precompile { out } = cmd;
    let host = PolicyHost::new(CompileCache::disabled()).map_err(Failure::usage)?;
    std::fs::create_dir_all(&out).map_err(|e| Failure::usage(format!("{}: {e}", out.display())))?;
    for builtin in builtins {
        let started = std::time::Instant::now();
        let bytes = host.precompile(builtin.wasm).map_err(Failure::usage)?;
        let write = |name: String, data: &[u8]| {
            std::fs::write(out.join(&name), data)
                .map_err(|e| Failure::usage(format!("{}: {e}", out.join(name).display())))
        };
        write(format!("{}.cwasm", builtin.name), &bytes)?;
        write(
            format!("{}.cwasm.source-sha256", builtin.name),
            hex::encode(Sha256::digest(builtin.wasm)).as_bytes(),
        )?;
        eprintln!(
            "precompiled {} ({} KiB wasm -> {} KiB native) in {} ms",
            builtin.name,
            builtin.wasm.len() / 1024,
            bytes.len() / 1024,
            started.elapsed().as_millis()
        );
    }
    Ok(Exit::Pass)
}
