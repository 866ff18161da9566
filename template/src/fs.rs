//! Bounded reading of user input: templates, rules files, configuration, test cases.
//!
//! Reading a file whole before checking its size lets `/dev/zero` exhaust memory, and
//! opening a FIFO blocks until someone writes to it. Every file a run reads goes through
//! [`read`] or [`read_to_string`]: a FIFO is opened without blocking, anything that is not
//! a regular file is refused before a byte is read, and at most `limit + 1` bytes are
//! read, so an oversized file is refused after reading no more than the limit.
//!
//! Errors are [`std::io::Error`]s, so callers keep their own error types (which name the
//! file); the cause inside is a [`ReadError`], reachable through
//! [`std::io::Error::get_ref`] or [`ReadError::of`].

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// The limit for text inputs that are not templates (rules, Rego and configuration
/// files), which have no configured limit of their own.
pub const INPUT_LIMIT: u64 = 16 * 1024 * 1024;

/// Why a file was refused before or while reading it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The path names something other than a regular file.
    #[error("it is {0}, not a regular file")]
    NotRegular(FileKind),
    /// The file holds more bytes than the limit.
    #[error("it is {}, over the limit of {limit} bytes", size_text(*.size, *.limit))]
    TooLarge {
        /// Its size, when the file system knows it (`None`: it kept giving bytes).
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
}

fn size_text(size: Option<u64>, limit: u64) -> String {
    match size {
        Some(size) if size > limit => format!("{size} bytes"),
        _ => format!("more than {limit} bytes"),
    }
}

impl ReadError {
    /// The [`ReadError`] inside an I/O error returned by this module, if it is one.
    pub fn of(error: &io::Error) -> Option<&ReadError> {
        error.get_ref()?.downcast_ref::<ReadError>()
    }

    fn into_io(self) -> io::Error {
        let kind = match self {
            ReadError::NotRegular(FileKind::Directory) => io::ErrorKind::IsADirectory,
            ReadError::NotRegular(_) => io::ErrorKind::InvalidInput,
            ReadError::TooLarge { .. } => io::ErrorKind::FileTooLarge,
        };
        io::Error::new(kind, self)
    }
}

/// What a path that is not a regular file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A Unix domain socket.
    Socket,
    /// Anything else the platform has.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "a special file",
        })
    }
}

fn kind_of(file_type: std::fs::FileType) -> FileKind {
    if file_type.is_dir() {
        return FileKind::Directory;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return FileKind::Fifo;
        }
        if file_type.is_char_device() {
            return FileKind::CharDevice;
        }
        if file_type.is_block_device() {
            return FileKind::BlockDevice;
        }
        if file_type.is_socket() {
            return FileKind::Socket;
        }
    }
    FileKind::Other
}

/// Opens `path` for reading without blocking on a FIFO, and refuses it unless it is a
/// regular file (checked on the open handle, so the answer is about what gets read).
fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())).into_io());
    }
    Ok((file, meta.len()))
}

/// Reads the regular file at `path`, refusing it if it holds more than `limit` bytes.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge {
            size: Some(size),
            limit,
        }
        .into_io());
    }
    // The size may be stale or wrong (a file growing, /proc): the read itself is bounded.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit }.into_io());
    }
    Ok(bytes)
}

/// The first `n` bytes (or fewer) of the regular file at `path`, refused like [`read`]
/// when it is not a regular file.
pub fn read_head(path: &Path, n: u64) -> io::Result<Vec<u8>> {
    let (file, size) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(size.min(n) as usize);
    file.take(n).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Like [`read`], for UTF-8 text (an `InvalidData` error otherwise, as
/// [`std::fs::read_to_string`] gives).
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<String> {
    let bytes = read(path, limit)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_within_the_limit_and_refuses_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read(&path, 5).unwrap(), b"12345");
        let e = read(&path, 4).unwrap_err();
        assert_eq!(
            ReadError::of(&e),
            Some(&ReadError::TooLarge {
                size: Some(5),
                limit: 4
            })
        );
        assert_eq!(e.to_string(), "it is 5 bytes, over the limit of 4 bytes");
    }

    #[test]
    fn refuses_directories_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), 10).unwrap_err();
        assert_eq!(
            ReadError::of(&e),
            Some(&ReadError::NotRegular(FileKind::Directory))
        );
        #[cfg(unix)]
        {
            let e = read(Path::new("/dev/zero"), 10).unwrap_err();
            assert_eq!(
                e.to_string(),
                "it is a character device, not a regular file"
            );
        }
    }

    #[test]
    fn text_must_be_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        std::fs::write(&path, b"\xff").unwrap();
        assert_eq!(
            read_to_string(&path, 10).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }
}
