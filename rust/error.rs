//! The one error type of the sweep: what failed, on which path, and why.
//!
//! Every filesystem failure the sweep meets is absorbed into its counts (the
//! sweep runs on the editor's server-stop path and must never raise), but it is
//! not thrown away: it is kept as a [`SweepError`] so that the report and the
//! editor warning can tell a user *which* file stayed and what the OS said.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// The filesystem operation that failed, named the way a user would say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Reading the names in a directory.
    ListDirectory,
    /// Reading an entry's metadata (type, size, modification time).
    ReadMetadata,
    /// Renaming a `.tmp*` directory to the given `_dead_*` path.
    Rename {
        /// The `_dead_*` path the directory was to be renamed to.
        to: PathBuf,
    },
    /// Unlinking a file.
    RemoveFile,
    /// Unlinking a symbolic link or junction (the link, never its target).
    RemoveLink,
    /// Removing an (emptied) directory.
    RemoveDirectory,
    /// Clearing the read-only attribute / adding owner write permission.
    MakeWritable,
    /// Looking for a free `_dead_*` name to rename a `.tmp*` directory to.
    ChooseDeadName,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operation::ListDirectory => f.write_str("list directory"),
            Operation::ReadMetadata => f.write_str("read metadata"),
            Operation::Rename { to } => write!(f, "rename to {}", to.display()),
            Operation::RemoveFile => f.write_str("remove file"),
            Operation::RemoveLink => f.write_str("remove link"),
            Operation::RemoveDirectory => f.write_str("remove directory"),
            Operation::MakeWritable => f.write_str("make writable"),
            Operation::ChooseDeadName => f.write_str("choose a free _dead_ name"),
        }
    }
}

/// Why a sweep could not start, or why one step of it failed.
///
/// The `Display` form always begins with the path, then the operation, then
/// the OS error, e.g. `C:\…\_dead_.tmpAb12\Lib\x.pyd: remove file: Access is
/// denied. (os error 5)`, so it can be shown to a user as it is.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The caller passed an empty path. It is never taken to mean the
    /// current directory.
    #[error("no directory given (empty path)")]
    EmptyPath,
    /// The directory to sweep does not exist. For `purge_stale_builds` this is
    /// the normal case on a machine where uv never built anything.
    #[error("{}: not found", path.display())]
    RootNotFound {
        /// The path that was asked for.
        path: PathBuf,
    },
    /// The path to sweep exists but is not a directory.
    #[error("{}: not a directory", path.display())]
    RootNotADirectory {
        /// The path that was asked for.
        path: PathBuf,
    },
    /// An operation on `path` failed with an OS error.
    #[error("{}: {operation}: {source}", path.display())]
    Io {
        /// What was being done.
        operation: Operation,
        /// The path it was being done to.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
}

impl SweepError {
    /// Builds an [`SweepError::Io`]; a shorthand for the many call sites.
    pub fn io(operation: Operation, path: impl Into<PathBuf>, source: io::Error) -> Self {
        SweepError::Io {
            operation,
            path: path.into(),
            source,
        }
    }

    /// The path this error is about, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            SweepError::EmptyPath => None,
            SweepError::RootNotFound { path }
            | SweepError::RootNotADirectory { path }
            | SweepError::Io { path, .. } => Some(path),
        }
    }
}

/// The errors met during one sweep: the first few in full, and how many in all.
///
/// A cache with a locked venv can fail on thousands of files; keeping all of
/// them would make the memory of a sweep grow with the size of the tree, so only
/// the first `capacity` are kept and the rest are only counted.
#[derive(Debug)]
pub struct ErrorLog {
    kept: Vec<SweepError>,
    capacity: usize,
    total: u64,
}

impl ErrorLog {
    /// An empty log that keeps at most `capacity` errors in full (at least
    /// one, so that [`ErrorLog::first`] is there whenever anything failed).
    pub fn with_capacity(capacity: usize) -> Self {
        ErrorLog {
            kept: Vec::new(),
            capacity: capacity.max(1),
            total: 0,
        }
    }

    /// Records one error.
    pub fn push(&mut self, error: SweepError) {
        self.total += 1;
        if self.kept.len() < self.capacity {
            self.kept.push(error);
        }
    }

    /// Moves all of `other`'s errors into this log, keeping the cap.
    pub fn absorb(&mut self, other: ErrorLog) {
        let unkept = other.total - other.kept.len() as u64;
        for error in other.kept {
            self.push(error);
        }
        self.total += unkept;
    }

    /// How many errors this log keeps in full.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Drops the kept errors for which `keep` is false (they no longer count).
    pub fn retain(&mut self, keep: impl FnMut(&SweepError) -> bool) {
        let before = self.kept.len();
        self.kept.retain(keep);
        self.total -= (before - self.kept.len()) as u64;
    }

    /// The errors kept in full, oldest first.
    pub fn kept(&self) -> &[SweepError] {
        &self.kept
    }

    /// How many errors were recorded, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The first error recorded, if any.
    pub fn first(&self) -> Option<&SweepError> {
        self.kept.first()
    }

    /// Consumes the log, returning the errors kept in full.
    pub fn into_kept(self) -> Vec<SweepError> {
        self.kept
    }
}
