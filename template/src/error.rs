//! Load errors: every one names the file, line and column.

use std::fmt;

/// Why a template could not be loaded, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {kind}")]
pub struct LoadError {
    /// The file (as named by the caller).
    pub file: String,
    /// 1-based line of the problem (1 when it concerns the whole file).
    pub line: usize,
    /// 1-based column of the problem.
    pub column: usize,
    /// What went wrong.
    pub kind: LoadErrorKind,
}

/// The cause of a [`LoadError`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadErrorKind {
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Io(String),
    /// The path names a directory, FIFO, device or socket, not a regular file.
    #[error("cannot read file: it is {0}, not a regular file")]
    NotRegular(crate::fs::FileKind),
    /// The file is larger than the configured limit.
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the file.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("file is not valid UTF-8 text")]
    NotUtf8,
    /// The file has no content.
    #[error("template is empty")]
    Empty,
    /// YAML or JSON syntax error.
    #[error("syntax error: {0}")]
    Syntax(String),
    /// Nesting deeper than the limit.
    #[error("nesting is deeper than the limit of {0} levels")]
    TooDeep(usize),
    /// YAML aliases expand to more nodes than the limit.
    #[error("YAML aliases expand to more than {0} nodes")]
    AliasBomb(usize),
    /// An alias names an anchor that was never defined.
    #[error("alias refers to an undefined anchor")]
    UnknownAnchor,
    /// The same key appears twice in one mapping.
    #[error("duplicate key `{key}` (first defined at line {first_line})")]
    DuplicateKey {
        /// The key.
        key: String,
        /// Line of its first definition.
        first_line: usize,
    },
    /// A mapping key that is not a scalar.
    #[error("mapping keys must be scalars")]
    ComplexKey,
    /// A YAML tag that is neither a CloudFormation function nor a core-schema tag.
    #[error("unknown tag `{0}`")]
    UnknownTag(String),
    /// A YAML standard tag (`!!binary`, `!!python/...`) that CloudFormation does not take.
    #[error(
        "tag `{0}` is not accepted: CloudFormation takes only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map"
    )]
    UnsupportedTag(String),
    /// A CloudFormation short-form tag used with the wrong kind of node.
    #[error("`!{tag}` {problem}")]
    BadTag {
        /// The tag, without `!`.
        tag: String,
        /// What is wrong with its use.
        problem: String,
    },
    /// `AWS::LanguageExtensions` loops expand to more nodes than the limit.
    #[error("Fn::ForEach loops generate more than {0} nodes")]
    TooManyGenerated(usize),
    /// More than one YAML document in the file.
    #[error("template has more than one YAML document")]
    MultipleDocuments,
}

impl LoadError {
    pub(crate) fn at(file: &str, line: usize, column: usize, kind: LoadErrorKind) -> LoadError {
        LoadError {
            file: file.to_string(),
            line,
            column,
            kind,
        }
    }

    pub(crate) fn whole_file(file: &str, kind: LoadErrorKind) -> LoadError {
        LoadError::at(file, 1, 1, kind)
    }

    pub(crate) fn io(file: &str, error: std::io::Error) -> LoadError {
        LoadError::whole_file(file, LoadErrorKind::Io(error.to_string()))
    }

    /// A one-line description without the location prefix.
    pub fn cause(&self) -> impl fmt::Display + '_ {
        &self.kind
    }
}
