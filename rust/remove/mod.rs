//! Best-effort removal of one directory tree, contents first.
//!
//! This is the part of the sweep that deletes files. Its rules, kept by both
//! backends:
//!
//! - **Contents first, iteratively.** Every entry is removed before the
//!   directory that holds it, with an explicit stack: no recursion, so no depth
//!   limit, and memory grows with the depth of the tree, not its size.
//! - **Links are removed as links.** Nothing is followed: not a symlink, not a
//!   junction, not even when the tree's own root is one. A link is unlinked and
//!   its target is never looked at.
//! - **Read-only is not a reason to stop.** When a removal is refused for lack
//!   of permission, the obstacle is cleared once and the removal retried: on
//!   Windows the entry's read-only attribute; on Unix owner write and search
//!   permission on the directory that holds the entry (deleting an entry is a
//!   write to its directory). Only directories *inside* the tree are changed.
//!   A directory that cannot be listed for lack of permission is made listable.
//! - **Failures are absorbed.** Whatever cannot be removed (a file held open on
//!   Windows, an immutable file on Linux) is recorded in the [`ErrorLog`] and
//!   skipped; the caller sees that the tree is still there.
//! - **Someone else deleting is fine.** An entry that vanishes under the walk
//!   (another sweep of the same cache got there first) counts as gone, not as
//!   an error.
//!
//! Two backends implement them: [`Backend::Handles`] (Unix: `openat` /
//! `unlinkat` relative to open directory handles, with `O_NOFOLLOW`) and
//! [`Backend::Paths`] (everywhere: [`walkdir`] and full paths). The handle
//! backend is the Unix default because a path longer than `PATH_MAX` (4096
//! bytes on Linux) cannot be named at all, while a handle-relative walk goes
//! as deep as the tree does, and because a directory swapped for a link in the
//! middle of the walk cannot redirect it.

use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::error::ErrorLog;

#[cfg(unix)]
mod by_handle;
mod by_path;

/// What a removal removed (or, in a dry run, would remove).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RemovalTally {
    /// Files and links removed (directories are not counted).
    pub files_removed: u64,
    /// Sum of the sizes of those files, as `lstat` reports them (only when
    /// [`RemovalSettings::measure_bytes`] is set). A hard-linked file's space
    /// returns to the disk only with its last link.
    pub bytes_freed: u64,
}

impl RemovalTally {
    /// Adds `other` to this tally.
    pub fn add(&mut self, other: RemovalTally) {
        self.files_removed += other.files_removed;
        self.bytes_freed += other.bytes_freed;
    }
}

/// How a tree is walked: see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Relative to open directory handles (`openat`, `unlinkat`). Unix only.
    #[cfg(unix)]
    Handles,
    /// By full path, with walkdir.
    Paths,
}

impl Default for Backend {
    /// [`Backend::Handles`] on Unix, [`Backend::Paths`] elsewhere.
    fn default() -> Self {
        #[cfg(unix)]
        return Backend::Handles;
        #[cfg(not(unix))]
        return Backend::Paths;
    }
}

/// How to remove a tree.
#[derive(Debug, Clone, Copy)]
pub struct RemovalSettings<'a> {
    /// Walk and tally, but remove nothing.
    pub dry_run: bool,
    /// Read each file's size for [`RemovalTally::bytes_freed`]. Costs one
    /// `lstat` per file, so the plain sweep leaves it off.
    pub measure_bytes: bool,
    /// Which walk to use.
    pub backend: Backend,
    /// Set from another thread to stop the walk at the next entry.
    pub cancel: &'a AtomicBool,
}

/// Removes the directory `dir` and everything below it, best effort.
///
/// Returns `true` if `dir` is gone afterwards (in a dry run: `true` if the
/// walk was not cancelled). What was removed is added to `tally`; each failure
/// is pushed to `errors`. If `dir` is itself a link, only the link is removed.
pub fn remove_tree(
    dir: &Path,
    settings: &RemovalSettings<'_>,
    tally: &mut RemovalTally,
    errors: &mut ErrorLog,
) -> bool {
    let mut tree_errors = ErrorLog::with_capacity(errors.capacity());
    let gone = match settings.backend {
        #[cfg(unix)]
        Backend::Handles => by_handle::remove_tree(dir, settings, tally, &mut tree_errors),
        Backend::Paths => by_path::remove_tree(dir, settings, tally, &mut tree_errors),
    };
    // A failure on an entry that is gone by now was a race with another sweep
    // of the same cache (which then removed it): nothing stays because of it,
    // so it would only mislead whoever reads the report.
    tree_errors.retain(|err| err.path().is_none_or(|path| !is_gone(path)));
    errors.absorb(tree_errors);
    gone
}

/// True only if nothing is at `path` (not for a path that cannot be looked
/// up, such as one past `PATH_MAX`).
fn is_gone(path: &Path) -> bool {
    fs::symlink_metadata(path).is_err_and(|err| err.kind() == io::ErrorKind::NotFound)
}

/// True if something (file, directory or link) is at `path`.
pub fn exists_no_follow(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Whether a failure to remove a directory is worth a line in the error log.
///
/// A directory is left non-empty by a child that could not be removed, and
/// that child's error already says why; repeating it for every parent up the
/// tree would only bury it. A non-empty directory with no earlier error in the
/// tree (something new appeared in it) is reported.
fn is_worth_reporting(err: &io::Error, tree_had_errors: bool) -> bool {
    !(tree_had_errors && err.kind() == io::ErrorKind::DirectoryNotEmpty)
}
