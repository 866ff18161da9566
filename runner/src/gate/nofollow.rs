//! Files of the state directory opened without following links: a symbolic link or a
//! FIFO put in place of a lock, log or state file must not make the gate write (or
//! truncate) whatever it points at, nor hang it.

use std::path::Path;

/// Why a path of the state that should be a directory or a regular file is not used.
pub fn not_followed(meta: &std::fs::Metadata) -> std::io::Error {
    std::io::Error::other(if meta.file_type().is_symlink() {
        "it is a symbolic link, and preflight does not follow links in its state directory (remove the link)"
    } else if meta.is_dir() {
        "it is a directory, not a regular file"
    } else if meta.is_file() {
        "it is a regular file, not a directory"
    } else {
        "it is neither a regular file nor a directory"
    })
}

/// Opens a file of the state without following a symbolic link in its place
/// (`O_NOFOLLOW`) and without blocking on a FIFO (`O_NONBLOCK`), and refuses anything
/// but a regular file.
pub fn open_no_follow(
    path: &Path,
    options: &mut std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = options
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() || !m.is_file() => not_followed(&m),
            _ => e,
        })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_followed(&meta));
    }
    Ok(file)
}
