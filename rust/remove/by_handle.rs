//! Removal relative to open directory handles: the Unix backend.
//!
//! Every entry is named relative to an open handle of the directory holding
//! it (`openat`, `unlinkat`, `fstatat`), and every directory is entered with
//! `O_NOFOLLOW | O_DIRECTORY`, so the walk never leaves the tree through a link
//! and never builds a path the kernel would have to resolve: depth is limited
//! by nothing but the disk.
//!
//! The walk keeps a stack with one frame per level, but only the deepest
//! [`MAX_OPEN_LEVELS`] frames hold an open handle, so a tree 10,000 levels deep
//! needs no more file descriptors than a shallow one. When the walk climbs back
//! to a frame whose handle was closed, it reopens it through `..` and checks
//! that it is the same directory (device and inode) before going on; if the
//! tree was moved meanwhile, the walk stops there.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rustix::fs::{self as rfs, AtFlags, Dir, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;

use super::{is_worth_reporting, RemovalSettings, RemovalTally};
use crate::error::{ErrorLog, Operation, SweepError};

/// How many levels of the walk keep their directory handle open.
const MAX_OPEN_LEVELS: usize = 32;

/// Owner write and search permission: what unlinking from a directory needs.
/// (Flags, not a number: `mode_t` is 32 bits on Linux and 16 on macOS.)
const OWNER_WRITE_SEARCH: Mode = Mode::WUSR.union(Mode::XUSR);
/// Owner read, write and search permission: what listing and emptying needs.
const OWNER_ALL: Mode = Mode::RWXU;

/// One directory on the walk's stack.
struct Frame {
    /// Its open listing; `None` while closed to save descriptors.
    dir: Option<Dir>,
    /// Its name in the directory above (the tree root's own name for the root).
    name: OsString,
    /// Device and inode, to recognise it when reopening through `..`.
    id: (u64, u64),
    /// The entry the walk went down into from it: in a dry run, where its
    /// listing resumes once reopened (see [`reopen_parent`]).
    resume_after: Option<OsString>,
    /// Entries that could not be removed: not to be tried again in this walk.
    given_up: Vec<OsString>,
}

/// [`super::remove_tree`] relative to directory handles.
pub(super) fn remove_tree(
    root: &Path,
    settings: &RemovalSettings<'_>,
    tally: &mut RemovalTally,
    errors: &mut ErrorLog,
) -> bool {
    let errors_before = errors.total();
    let root_frame = match enter_dir(CWD, root.as_os_str(), settings.dry_run) {
        Ok(Some(frame)) => frame,
        Ok(None) => return true,
        // The root is a link or a file: remove just that entry.
        Err(Errno::LOOP | Errno::NOTDIR) => return remove_root_non_dir(root, settings, tally, errors),
        Err(errno) => {
            errors.push(SweepError::io(Operation::ListDirectory, root, errno.into()));
            return false;
        }
    };
    let mut path = root.to_path_buf();
    let mut stack = vec![root_frame];
    while !stack.is_empty() {
        if settings.cancel.load(Ordering::Relaxed) {
            return false;
        }
        let depth = stack.len() - 1;
        let next = {
            let top = &mut stack[depth];
            let dir = top.dir.as_mut().expect("the top frame is always open");
            next_entry(dir, &top.given_up)
        };
        match next {
            Some(Ok((name, file_type))) => {
                let top_fd = frame_fd(&stack[depth]);
                let is_dir = match file_type {
                    FileType::Directory => true,
                    FileType::Unknown => stat_no_follow(top_fd, &name)
                        .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory),
                    _ => false,
                };
                if is_dir {
                    match enter_dir(top_fd, &name, settings.dry_run) {
                        Ok(Some(child)) => {
                            stack[depth].resume_after = Some(name.clone());
                            path.push(&name);
                            stack.push(child);
                            let closable = stack.len().checked_sub(MAX_OPEN_LEVELS + 1);
                            if let Some(index) = closable {
                                stack[index].dir = None;
                            }
                        }
                        Ok(None) => {} // gone already
                        Err(errno) => {
                            errors.push(SweepError::io(Operation::ListDirectory, path.join(&name), errno.into()));
                            stack[depth].given_up.push(name);
                        }
                    }
                } else if let Err(err) = remove_non_dir(top_fd, &name, settings, tally) {
                    let operation = if file_type == FileType::Symlink {
                        Operation::RemoveLink
                    } else {
                        Operation::RemoveFile
                    };
                    errors.push(SweepError::io(operation, path.join(&name), err));
                    stack[depth].given_up.push(name);
                }
            }
            end_of_listing => {
                // A listing that failed is treated as finished: what is left
                // makes the removal of this directory fail, and is retried
                // by the next sweep.
                if let Some(Err(errno)) = end_of_listing {
                    errors.push(SweepError::io(Operation::ListDirectory, path.clone(), errno.into()));
                }
                if !leave_dir(&mut stack, &mut path, settings, errors, errors_before) {
                    return false;
                }
            }
        }
    }
    settings.dry_run || !super::exists_no_follow(root)
}

/// Pops the finished top frame and removes its directory from the one above
/// (or, for the root, by path). Returns `false` if the walk cannot go on.
fn leave_dir(
    stack: &mut Vec<Frame>,
    path: &mut PathBuf,
    settings: &RemovalSettings<'_>,
    errors: &mut ErrorLog,
    errors_before: u64,
) -> bool {
    let finished = stack.pop().expect("leave_dir is called with a frame on the stack");
    let tree_had_errors = errors.total() > errors_before;
    let Some(parent) = stack.last_mut() else {
        // The tree's root: its parent is the swept root, named by path and
        // never changed.
        if !settings.dry_run {
            if let Err(err) = std::fs::remove_dir(&*path) {
                if err.kind() != io::ErrorKind::NotFound && is_worth_reporting(&err, tree_had_errors) {
                    errors.push(SweepError::io(Operation::RemoveDirectory, path.clone(), err));
                }
            }
        }
        return true;
    };
    if parent.dir.is_none() {
        match reopen_parent(&finished, parent, settings.dry_run) {
            Ok(dir) => parent.dir = Some(dir),
            Err(err) => {
                path.pop();
                errors.push(SweepError::io(Operation::ListDirectory, path.clone(), err));
                return false;
            }
        }
    }
    if !settings.dry_run {
        let parent_fd = frame_fd(parent);
        let removed = with_write_retry(parent_fd, || {
            rfs::unlinkat(parent_fd, finished.name.as_os_str(), AtFlags::REMOVEDIR)
        });
        // NOENT: another sweep of the same cache removed it first.
        if let Err(errno) = removed.or_else(|errno| if errno == Errno::NOENT { Ok(()) } else { Err(errno) }) {
            let err = io::Error::from(errno);
            if is_worth_reporting(&err, tree_had_errors) {
                errors.push(SweepError::io(Operation::RemoveDirectory, path.clone(), err));
            }
            parent.given_up.push(finished.name);
        }
    }
    path.pop();
    true
}

/// Reopens the closed `parent` frame through the `..` of `child`, checks it is
/// the same directory, and positions its listing.
fn reopen_parent(child: &Frame, parent: &Frame, dry_run: bool) -> io::Result<Dir> {
    let child_dir = child
        .dir
        .as_ref()
        .ok_or_else(|| io::Error::other("child handle closed"))?;
    let fd = open_dir(child_dir.fd()?, Path::new(".."))?;
    let stat = rfs::fstat(&fd)?;
    if (stat.st_dev as u64, stat.st_ino as u64) != parent.id {
        return Err(io::Error::other(
            "directory moved during the sweep; left for the next one",
        ));
    }
    let mut dir = Dir::new(fd)?;
    // In a dry run nothing was removed, so the listing must resume where it
    // was: past the entry the walk went down into. It is found by name, not
    // by a seek offset, which not every system gives (Apple's `readdir` has
    // none that `seekdir` takes back after a reopen); in a directory nothing
    // changed, a new listing returns the same entries in the same order. When
    // removing, reading again from the start is exact: what was removed is
    // gone and what failed is in `given_up`.
    if dry_run {
        if let Some(after) = &parent.resume_after {
            skip_past(&mut dir, after)?;
        }
    }
    Ok(dir)
}

fn new_frame(fd: OwnedFd, name: OsString) -> rustix::io::Result<Frame> {
    let stat = rfs::fstat(&fd)?;
    Ok(Frame {
        dir: Some(Dir::new(fd)?),
        name,
        id: (stat.st_dev as u64, stat.st_ino as u64),
        resume_after: None,
        given_up: Vec::new(),
    })
}

fn frame_fd(frame: &Frame) -> BorrowedFd<'_> {
    frame
        .dir
        .as_ref()
        .and_then(|dir| dir.fd().ok())
        .expect("frames in use are open")
}

/// Reads `dir` up to and including the entry `name` (to its end if `name`
/// is gone).
fn skip_past(dir: &mut Dir, name: &OsStr) -> rustix::io::Result<()> {
    while let Some(entry) = dir.read() {
        if OsStr::from_bytes(entry?.file_name().to_bytes()) == name {
            break;
        }
    }
    Ok(())
}

/// The next entry of `dir` that is neither `.`, `..` nor given up on.
fn next_entry(dir: &mut Dir, given_up: &[OsString]) -> Option<rustix::io::Result<(OsString, FileType)>> {
    loop {
        let entry = match dir.read()? {
            Ok(entry) => entry,
            Err(errno) => return Some(Err(errno)),
        };
        let name = OsStr::from_bytes(entry.file_name().to_bytes());
        if name == "." || name == ".." || given_up.iter().any(|g| g == name) {
            continue;
        }
        return Some(Ok((name.to_owned(), entry.file_type())));
    }
}

fn open_dir<Fd: AsFd>(at: Fd, name: &Path) -> rustix::io::Result<OwnedFd> {
    rfs::openat(
        at,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

fn stat_no_follow(at: BorrowedFd<'_>, name: &OsStr) -> rustix::io::Result<rfs::Stat> {
    rfs::statat(at, name, AtFlags::SYMLINK_NOFOLLOW)
}

/// Opens the child directory `name` as a new frame. `Ok(None)` if it is gone.
/// A directory that refuses to be listed is given owner permissions once.
fn enter_dir(at: BorrowedFd<'_>, name: &OsStr, dry_run: bool) -> rustix::io::Result<Option<Frame>> {
    let opened = match open_dir(at, Path::new(name)) {
        Err(Errno::ACCESS) if !dry_run => {
            // chmodat follows links, so check first that this is still a real
            // directory. It is inside the tree being removed.
            let stat = stat_no_follow(at, name)?;
            if FileType::from_raw_mode(stat.st_mode) != FileType::Directory {
                return Err(Errno::NOTDIR);
            }
            rfs::chmodat(
                at,
                name,
                Mode::from_raw_mode(stat.st_mode) | OWNER_ALL,
                AtFlags::empty(),
            )?;
            open_dir(at, Path::new(name))
        }
        other => other,
    };
    match opened {
        Ok(fd) => new_frame(fd, name.to_owned()).map(Some),
        Err(Errno::NOENT) => Ok(None),
        Err(errno) => Err(errno),
    }
}

/// Removes (or in a dry run, tallies) the non-directory `name` in `at`.
fn remove_non_dir(
    at: BorrowedFd<'_>,
    name: &OsStr,
    settings: &RemovalSettings<'_>,
    tally: &mut RemovalTally,
) -> io::Result<()> {
    let size = if settings.measure_bytes {
        match stat_no_follow(at, name) {
            Ok(stat) => stat.st_size as u64,
            Err(Errno::NOENT) => return Ok(()),
            Err(errno) => return Err(errno.into()),
        }
    } else {
        0
    };
    if !settings.dry_run {
        match with_write_retry(at, || rfs::unlinkat(at, name, AtFlags::empty())) {
            Ok(()) => {}
            Err(Errno::NOENT) => return Ok(()),
            Err(errno) => return Err(errno.into()),
        }
    }
    tally.files_removed += 1;
    tally.bytes_freed += size;
    Ok(())
}

/// Runs `op`; if the directory `dir` refuses it for lack of permission, adds
/// owner write and search permission to `dir` and runs it once more.
fn with_write_retry(dir: BorrowedFd<'_>, op: impl Fn() -> rustix::io::Result<()>) -> rustix::io::Result<()> {
    match op() {
        Err(Errno::ACCESS) => {
            let mode = Mode::from_raw_mode(rfs::fstat(dir)?.st_mode);
            if mode.contains(OWNER_WRITE_SEARCH) {
                return Err(Errno::ACCESS);
            }
            rfs::fchmod(dir, mode | OWNER_WRITE_SEARCH)?;
            op()
        }
        other => other,
    }
}

/// The tree's root is not a directory (a link put where a dead dir was, or a
/// file): remove just that entry, by path.
fn remove_root_non_dir(
    root: &Path,
    settings: &RemovalSettings<'_>,
    tally: &mut RemovalTally,
    errors: &mut ErrorLog,
) -> bool {
    if settings.dry_run {
        tally.files_removed += 1;
        return true;
    }
    match std::fs::remove_file(root) {
        Ok(()) => {
            tally.files_removed += 1;
            true
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => true,
        Err(err) => {
            errors.push(SweepError::io(Operation::RemoveLink, root, err));
            false
        }
    }
}
