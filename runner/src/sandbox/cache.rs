//! A disk cache of compiled components, so each user policy is compiled once per
//! machine. What it holds is native code that runs as the user, so it is kept
//! private and every entry is bound to what it was compiled from:
//!
//! - the directory is created `0700` (an existing one of the user's is narrowed to
//!   that); one owned by someone else disables the cache;
//! - an entry is used only when it is a regular file (not a link) owned by the user
//!   and writable by no one else;
//! - an entry's name and its header both hold the SHA-256 of the component it was
//!   compiled from (the hash a `path` policy is pinned by) and the engine's
//!   compatibility hash; an entry whose header names another component or engine is
//!   compiled again and replaced.
//!
//! The header is the entry's last bytes, after wasmtime's artifact, so that the entry
//! is mapped into memory as it is (the artifact of a Python or JavaScript policy is
//! 35-40 MB, and reading then copying it was most of a cold `check`): the file already
//! opened and checked is mapped through `/proc/self/fd`, else read.
//!
//! `[sandbox] cache = false` turns it off.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use super::LoadError;

/// The first line of every entry's header.
const MAGIC: &[u8] = b"preflight-compiled-component 2\n";

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

    /// The compiled component for `wasm` (whose SHA-256 is `sha256` when the caller
    /// has it): from the cache when present and usable, else compiled and (best
    /// effort) stored.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        sha256: Option<&str>,
    ) -> Result<Component, LoadError> {
        let Some(dir) = &self.dir else {
            return compile(engine, wasm);
        };
        let key = EntryKey::new(engine, wasm, sha256);
        if let Some(component) = self.lookup(engine, &key) {
            return Ok(component);
        }
        let bytes = engine
            .precompile_component(wasm)
            .map_err(|e| LoadError::Compile(e.into()))?;
        if private_dir(dir) {
            let path = dir.join(key.file_name());
            if let Err(e) = store(&path, &bytes, &key.header()) {
                tracing::debug!("cannot write compile cache {}: {e}", path.display());
            }
        }
        // SAFETY: `bytes` was just produced by this engine's `precompile_component`.
        unsafe { Component::deserialize(engine, &bytes) }.map_err(|e| LoadError::Compile(e.into()))
    }

    /// The cached component for `key`, when there is an entry that may be trusted.
    fn lookup(&self, engine: &Engine, key: &EntryKey) -> Option<Component> {
        let dir = self.dir.as_ref()?;
        let path = dir.join(key.file_name());
        let file = match open_entry(dir, &path) {
            Ok(Some(file)) => file,
            Ok(None) => return None,
            Err(why) => {
                tracing::warn!("not using compile cache entry {}: {why}", path.display());
                return None;
            }
        };
        let header = key.header();
        let Some(artifact_len) = artifact_len(&file, &header) else {
            tracing::warn!(
                "not using compile cache entry {}: it was not compiled from this component for this engine",
                path.display()
            );
            return None;
        };
        // SAFETY (both ways): the entry is a regular file owned by this user, writable by
        // no one else, in a directory only this user may write, and its header names
        // the SHA-256 of the component being loaded and this engine; this process (or
        // an earlier run of it) wrote it from `Engine::precompile_component`. wasmtime
        // checks its own header (version, configuration) as well. The mapping goes
        // through this process's descriptor of the file checked, not the path again.
        let fd = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        let loaded = if fd.exists() {
            unsafe { Component::deserialize_file(engine, &fd) }
        } else {
            let mut bytes = Vec::with_capacity(artifact_len as usize);
            match (&file).take(artifact_len).read_to_end(&mut bytes) {
                Ok(_) => unsafe { Component::deserialize(engine, &bytes) },
                Err(e) => Err(e.into()),
            }
        };
        match loaded {
            Ok(component) => Some(component),
            Err(e) => {
                tracing::debug!("ignoring unusable cache entry {}: {e}", path.display());
                None
            }
        }
    }
}

/// The length of the artifact before the header, when the entry ends with `header`.
fn artifact_len(file: &File, header: &[u8]) -> Option<u64> {
    let len = file.metadata().ok()?.len();
    let start = len.checked_sub(header.len() as u64)?;
    let mut tail = vec![0; header.len()];
    file.read_exact_at(&mut tail, start).ok()?;
    (tail == header).then_some(start)
}

/// What an entry is bound to: the component's SHA-256 and the engine.
struct EntryKey {
    wasm_sha256: String,
    engine: String,
}

impl EntryKey {
    fn new(engine: &Engine, wasm: &[u8], sha256: Option<&str>) -> EntryKey {
        EntryKey {
            wasm_sha256: match sha256 {
                Some(known) => known.to_ascii_lowercase(),
                None => hex::encode(Sha256::digest(wasm)),
            },
            engine: engine_key(engine),
        }
    }

    fn file_name(&self) -> String {
        format!("{}-{}.cwasm", self.wasm_sha256, self.engine)
    }

    fn header(&self) -> Vec<u8> {
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(
            format!("sha256 {} engine {}\n", self.wasm_sha256, self.engine).as_bytes(),
        );
        header
    }
}

fn compile(engine: &Engine, wasm: &[u8]) -> Result<Component, LoadError> {
    Component::new(engine, wasm).map_err(|e| LoadError::Compile(e.into()))
}

/// Whether `dir` is (now) a directory only this user can enter: created `0700` when
/// missing, narrowed to `0700` when it is the user's.
fn private_dir(dir: &Path) -> bool {
    if !dir.exists()
        && let Err(e) = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    {
        tracing::debug!("cannot create compile cache {}: {e}", dir.display());
        return false;
    }
    let Ok(meta) = std::fs::metadata(dir) else {
        return false;
    };
    if !meta.is_dir() || meta.uid() != nix::unistd::geteuid().as_raw() {
        tracing::warn!(
            "not using compile cache {}: it is not a directory of this user",
            dir.display()
        );
        return false;
    }
    if meta.mode() & 0o077 != 0
        && let Err(e) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    {
        tracing::warn!(
            "not using compile cache {}: cannot make it private: {e}",
            dir.display()
        );
        return false;
    }
    true
}

/// Opens an entry when it may be trusted: `Ok(None)` when there is none, `Err` with
/// the reason when there is one that may not be used.
fn open_entry(dir: &Path, path: &Path) -> Result<Option<File>, String> {
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if !private_dir(dir) {
        return Err("the cache directory is not private to this user".into());
    }
    let meta = file.metadata().map_err(|e| e.to_string())?;
    let uid = nix::unistd::geteuid().as_raw();
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.uid() != uid {
        return Err(format!("owned by uid {}, not by this user", meta.uid()));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "writable by others (mode {:o})",
            meta.mode() & 0o777
        ));
    }
    Ok(Some(file))
}

/// Writes the artifact then its header, atomically (concurrent runs may fill the same
/// entry), `0600`, replacing whatever was there.
fn store(path: &Path, bytes: &[u8], header: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.write_all(header)?;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A short hex key for the engine's compatibility hash.
pub(super) fn engine_key(engine: &Engine) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(name: &str) -> &'static [u8] {
        preflight_builtins::ALL
            .iter()
            .find(|b| b.name == name)
            .map(|b| b.wasm)
            .unwrap()
    }

    fn entry(dir: &Path, engine: &Engine, wasm: &[u8]) -> PathBuf {
        dir.join(EntryKey::new(engine, wasm, None).file_name())
    }

    #[test]
    fn entries_are_private_bound_to_their_component_and_checked_on_load() {
        let engine = Engine::new(&super::super::engine_config()).unwrap();
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("cache");
        let cache = CompileCache::in_dir(&dir);
        let a = builtin("template");
        let b = builtin("rego");
        cache.load_or_compile(&engine, a, None).unwrap();
        cache.load_or_compile(&engine, b, None).unwrap();
        assert_eq!(
            std::fs::metadata(&dir).unwrap().mode() & 0o777,
            0o700,
            "the cache directory is private"
        );
        let entry_a = entry(&dir, &engine, a);
        let entry_b = entry(&dir, &engine, b);
        assert_eq!(std::fs::metadata(&entry_a).unwrap().mode() & 0o777, 0o600);
        let key_a = EntryKey::new(&engine, a, None);
        assert!(cache.lookup(&engine, &key_a).is_some());
        let pinned = hex::encode(Sha256::digest(a)).to_ascii_uppercase();
        assert_eq!(
            EntryKey::new(&engine, a, Some(&pinned)).file_name(),
            key_a.file_name(),
            "a pinned policy's digest names the same entry"
        );

        // The header before the artifact (the first layout): refused.
        let artifact = std::fs::read(&entry_a).unwrap();
        let header = key_a.header();
        let mut first_layout = header.clone();
        first_layout.extend_from_slice(&artifact[..artifact.len() - header.len()]);
        std::fs::write(&entry_a, &first_layout).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_none());
        std::fs::write(&entry_a, &artifact).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_some());

        // Another component's compiled code under this one's name: refused, replaced.
        std::fs::copy(&entry_b, &entry_a).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_none());
        cache.load_or_compile(&engine, a, None).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_some());

        // Writable by others: refused.
        std::fs::set_permissions(&entry_a, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_none());
        std::fs::set_permissions(&entry_a, std::fs::Permissions::from_mode(0o600)).unwrap();

        // A link to a good entry: refused.
        let elsewhere = root.path().join("elsewhere.cwasm");
        std::fs::rename(&entry_a, &elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &entry_a).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_none());
        std::fs::remove_file(&entry_a).unwrap();
        std::fs::rename(&elsewhere, &entry_a).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_some());

        // Owned by someone else (root can hand it over): refused.
        if nix::unistd::geteuid().is_root() {
            std::os::unix::fs::chown(&entry_a, Some(65534), None).unwrap();
            assert!(cache.lookup(&engine, &key_a).is_none());
        }

        // A directory opened up to others is narrowed again before use.
        std::fs::remove_file(&entry_a).unwrap();
        cache.load_or_compile(&engine, a, None).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(cache.lookup(&engine, &key_a).is_some());
        assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    }
}
