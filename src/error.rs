//! The library's error type: either diagnostics about the user's files or an I/O failure that
//! names its path. Only `main` turns these into output and an exit code.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's own files; all of them, not just the first.
    #[error("{} in the site's files", crate::text::count(.0.len(), "error"))]
    Diagnostics(Vec<Diagnostic>),
    /// An I/O call failed; `action` says what we were doing, `path` where.
    #[error("failed to {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Message(String),
    /// The command printed its findings already; this is the closing line, printed as is.
    #[error("{0}")]
    Failed(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Vec<Diagnostic>> for Error {
    fn from(d: Vec<Diagnostic>) -> Self {
        Error::Diagnostics(d)
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Diagnostics(vec![d])
    }
}
