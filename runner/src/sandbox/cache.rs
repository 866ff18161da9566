//! A disk cache of compiled components, keyed by the component's SHA-256 and the
//! engine's compatibility hash, so each user policy is compiled once per machine.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use super::LoadError;

/// Where compiled components are kept (or nowhere).
#[derive(Debug, Clone, Default)]
pub struct CompileCache {
    dir: Option<PathBuf>,
}

impl CompileCache {
    /// A cache in `dir`, created on first write.
    pub fn in_dir(dir: impl Into<PathBuf>) -> CompileCache {
        CompileCache {
            dir: Some(dir.into()),
        }
    }

    /// No caching: every load compiles.
    pub fn disabled() -> CompileCache {
        CompileCache { dir: None }
    }

    /// The compiled component for `wasm`: from the cache when present and usable,
    /// else compiled and (best effort) stored.
    pub fn load_or_compile(&self, engine: &Engine, wasm: &[u8]) -> Result<Component, LoadError> {
        let Some(dir) = &self.dir else {
            return compile(engine, wasm);
        };
        let path = dir.join(format!(
            "{}-{}.cwasm",
            hex::encode(Sha256::digest(wasm)),
            engine_key(engine)
        ));
        if path.is_file() {
            // SAFETY: files in the cache are written only by `store` below, from
            // `Engine::precompile_component`, under a name that includes the engine's
            // compatibility hash; wasmtime verifies the header on load as well.
            match unsafe { Component::deserialize_file(engine, &path) } {
                Ok(component) => return Ok(component),
                Err(e) => tracing::debug!("ignoring unusable cache entry {}: {e}", path.display()),
            }
        }
        let bytes = engine
            .precompile_component(wasm)
            .map_err(|e| LoadError::Compile(format!("{e:#}")))?;
        if let Err(e) = store(&path, &bytes) {
            tracing::debug!("cannot write compile cache {}: {e}", path.display());
        }
        // SAFETY: `bytes` was just produced by this engine's `precompile_component`.
        unsafe { Component::deserialize(engine, &bytes) }
            .map_err(|e| LoadError::Compile(format!("{e:#}")))
    }
}

fn compile(engine: &Engine, wasm: &[u8]) -> Result<Component, LoadError> {
    Component::new(engine, wasm).map_err(|e| LoadError::Compile(format!("{e:#}")))
}

/// Writes atomically: concurrent runs may fill the same entry.
fn store(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::fs::write(tmp.path(), bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A short hex key for the engine's compatibility hash.
pub(super) fn engine_key(engine: &Engine) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
