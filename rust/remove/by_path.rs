//! Removal by path, with [`walkdir`]: the backend on Windows, and available
//! on Unix too so the same tests run against it there.
//!
//! walkdir yields every entry before the directory that holds it
//! (`contents_first`), keeping an explicit stack of open directories: no
//! recursion, memory bounded by depth. Links are never followed, not even at
//! the root. Windows paths longer than `MAX_PATH` work because the standard
//! library passes long paths to Windows in their `\\?\` form; on Unix a path
//! longer than `PATH_MAX` cannot be named at all, which is why Unix uses
//! [`super::by_handle`] by default.

use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::Duration;

use walkdir::{DirEntry, WalkDir};

use super::{exists_no_follow, is_worth_reporting, RemovalSettings, RemovalTally};
use crate::error::{ErrorLog, Operation, SweepError};

/// How many times a tree is walked at most. A walk is repeated after it made
/// an unlistable directory listable, or after a failure that another sweep of
/// the same cache can cause and clear (see [`is_transient`]).
const MAX_WALKS: usize = 8;

/// How many of those repeats a transient failure may cause. Few: a file
/// really held open by another process fails the same way, and the sweep is
/// on the editor's stop path.
const MAX_TRANSIENT_REPEATS: usize = 2;

/// Pause before repeating a walk after transient failures, times the repeat.
const TRANSIENT_PAUSE: Duration = Duration::from_millis(10);

/// [`super::remove_tree`] by path.
///
/// Returns `true` if `dir` is gone afterwards (in a dry run: `true` if the
/// walk was not cancelled). What was removed is added to `tally`; the
/// failures of the last walk are pushed to `errors` (earlier walks' failures
/// were retried by it). `dir` itself is never followed if it is a link.
pub(super) fn remove_tree(
    dir: &Path,
    settings: &RemovalSettings<'_>,
    tally: &mut RemovalTally,
    errors: &mut ErrorLog,
) -> bool {
    let mut transient_repeats = 0;
    for walks in 1..=MAX_WALKS {
        let mut walk_errors = ErrorLog::with_capacity(errors.capacity());
        let walk = walk_once(dir, settings, tally, &mut walk_errors);
        let cancelled = settings.cancel.load(Ordering::Relaxed);
        let gone = !settings.dry_run && !exists_no_follow(dir);
        let repeat_transient = walk.transient_failures > 0 && transient_repeats < MAX_TRANSIENT_REPEATS;
        let repeat = walk.made_listable > 0 || repeat_transient;
        if cancelled || settings.dry_run || gone || !repeat || walks == MAX_WALKS {
            errors.absorb(walk_errors);
            return !cancelled && (settings.dry_run || gone);
        }
        if walk.made_listable == 0 {
            transient_repeats += 1;
            thread::sleep(TRANSIENT_PAUSE * transient_repeats as u32);
        }
    }
    unreachable!("the last walk always returns")
}

struct WalkOutcome {
    /// Directories that could not be listed and were made listable.
    made_listable: usize,
    /// Failures that may clear by themselves (see [`is_transient`]).
    transient_failures: usize,
}

/// Whether a failure may be gone a moment later without anyone acting on it.
/// On Windows, a second sweep of the same cache holds directories open while
/// it lists them (sharing violation, os error 32) and leaves files it deleted
/// "delete pending" until its handle closes (access denied, 5; and their
/// directory not empty, 145).
#[cfg(windows)]
fn is_transient(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(5 | 32 | 145))
}

/// On Unix a removal takes effect at once; nothing is transient.
#[cfg(not(windows))]
fn is_transient(_err: &io::Error) -> bool {
    false
}

fn walk_once(
    dir: &Path,
    settings: &RemovalSettings<'_>,
    tally: &mut RemovalTally,
    errors: &mut ErrorLog,
) -> WalkOutcome {
    let errors_before = errors.total();
    let mut made_listable = 0;
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
        .contents_first(true);
    for item in walker {
        if settings.cancel.load(Ordering::Relaxed) {
            break;
        }
        match item {
            Ok(entry) if settings.dry_run => tally_entry(&entry, settings, tally, errors),
            Ok(entry) => remove_entry(&entry, settings, tally, errors, errors.total() > errors_before),
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let Some(source) = err.into_io_error() else {
                    continue; // only link loops lack an io error, and links are never followed
                };
                match source.kind() {
                    io::ErrorKind::NotFound => {}
                    io::ErrorKind::PermissionDenied if !settings.dry_run && make_listable(&path).is_ok() => {
                        made_listable += 1;
                    }
                    _ => errors.push(SweepError::io(Operation::ListDirectory, path, source)),
                }
            }
        }
    }
    let transient_failures = errors
        .kept()
        .iter()
        .filter(|err| matches!(err, SweepError::Io { source, .. } if is_transient(source)))
        .count();
    WalkOutcome {
        made_listable,
        transient_failures,
    }
}

fn tally_entry(entry: &DirEntry, settings: &RemovalSettings<'_>, tally: &mut RemovalTally, errors: &mut ErrorLog) {
    if entry.file_type().is_dir() {
        return;
    }
    tally.files_removed += 1;
    if settings.measure_bytes {
        match entry.metadata() {
            Ok(meta) => tally.bytes_freed += meta.len(),
            Err(err) => errors.push(SweepError::io(
                Operation::ReadMetadata,
                entry.path(),
                err.into_io_error()
                    .unwrap_or_else(|| io::Error::other("metadata unavailable")),
            )),
        }
    }
}

fn remove_entry(
    entry: &DirEntry,
    settings: &RemovalSettings<'_>,
    tally: &mut RemovalTally,
    errors: &mut ErrorLog,
    tree_had_errors: bool,
) {
    let path = entry.path();
    let file_type = entry.file_type();
    if file_type.is_dir() {
        match remove_with_retry(path, entry.depth(), EntryKind::Directory) {
            Ok(_) => {}
            Err(err) if !is_worth_reporting(&err, tree_had_errors) => {}
            Err(err) => errors.push(SweepError::io(Operation::RemoveDirectory, path, err)),
        }
        return;
    }
    let size = if settings.measure_bytes {
        entry.metadata().map(|meta| meta.len()).unwrap_or(0)
    } else {
        0
    };
    let (kind, operation) = if file_type.is_symlink() {
        (EntryKind::Link, Operation::RemoveLink)
    } else {
        (EntryKind::File, Operation::RemoveFile)
    };
    match remove_with_retry(path, entry.depth(), kind) {
        Ok(Removed::ByUs) => {
            tally.files_removed += 1;
            tally.bytes_freed += size;
        }
        Ok(Removed::AlreadyGone) => {}
        Err(err) => errors.push(SweepError::io(operation, path, err)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    File,
    Link,
    Directory,
}

enum Removed {
    ByUs,
    AlreadyGone,
}

/// Removes one entry; on a permission error clears the obstacle once and
/// retries. `depth` is the entry's depth below the tree's root (0 = the root).
fn remove_with_retry(path: &Path, depth: usize, kind: EntryKind) -> io::Result<Removed> {
    let first = match remove_once(path, kind) {
        Ok(()) => return Ok(Removed::ByUs),
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Removed::AlreadyGone),
        Err(err) => err,
    };
    if first.kind() != io::ErrorKind::PermissionDenied || !make_removable(path, depth, kind) {
        return Err(first);
    }
    match remove_once(path, kind) {
        Ok(()) => Ok(Removed::ByUs),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Removed::AlreadyGone),
        Err(err) => Err(err),
    }
}

fn remove_once(path: &Path, kind: EntryKind) -> io::Result<()> {
    match kind {
        EntryKind::File => fs::remove_file(path),
        EntryKind::Directory => fs::remove_dir(path),
        // A Windows directory symlink or junction is removed with
        // RemoveDirectory, a file symlink with DeleteFile; neither touches the
        // target. On Unix every link is unlinked like a file.
        EntryKind::Link => fs::remove_file(path).or_else(|err| {
            if cfg!(windows) {
                fs::remove_dir(path).map_err(|_| err)
            } else {
                Err(err)
            }
        }),
    }
}

/// Clears what stops `path` from being removed. Returns whether anything was
/// changed (and so whether a retry can help).
#[cfg(windows)]
fn make_removable(path: &Path, _depth: usize, kind: EntryKind) -> bool {
    // Windows refuses to delete a file or directory with the read-only
    // attribute. A link's attribute is left alone: clearing it could follow
    // the link to its target.
    if kind == EntryKind::Link {
        return false;
    }
    clear_readonly(path).unwrap_or(false)
}

#[cfg(windows)]
fn clear_readonly(path: &Path) -> io::Result<bool> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(false);
    }
    let mut permissions = meta.permissions();
    if !permissions.readonly() {
        return Ok(false);
    }
    #[allow(clippy::permissions_set_readonly_false)] // Windows only: clears FILE_ATTRIBUTE_READONLY
    permissions.set_readonly(false);
    fs::set_permissions(path, permissions)?;
    Ok(true)
}

/// Clears what stops `path` from being removed. Returns whether anything was
/// changed (and so whether a retry can help).
#[cfg(unix)]
fn make_removable(path: &Path, depth: usize, _kind: EntryKind) -> bool {
    // Unlinking is a write to the directory that holds the entry. That
    // directory is only changed if it lies inside the tree (depth > 0): the
    // swept root itself is never altered.
    if depth == 0 {
        return false;
    }
    match path.parent() {
        Some(parent) => add_owner_permissions(parent, 0o300).unwrap_or(false),
        None => false,
    }
}

#[cfg(not(any(unix, windows)))]
fn make_removable(_path: &Path, _depth: usize, _kind: EntryKind) -> bool {
    false
}

/// Makes a directory the walk could not list listable again.
fn make_listable(dir: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        add_owner_permissions(dir, 0o700)
    }
    #[cfg(windows)]
    {
        clear_readonly(dir)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = dir;
        Ok(false)
    }
}

/// Adds the owner permission bits `bits` to the real directory `dir` (never
/// through a link). Returns whether the mode changed.
#[cfg(unix)]
fn add_owner_permissions(dir: &Path, bits: u32) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::symlink_metadata(dir)?;
    if !meta.file_type().is_dir() {
        return Ok(false);
    }
    let mode = meta.permissions().mode();
    if mode & bits == bits {
        return Ok(false);
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(mode | bits))?;
    Ok(true)
}
