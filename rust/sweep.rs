//! The sweep rules: what is scanned, renamed, deleted and counted.
//!
//! One sweep of a `builds-v0` directory (the *root*) does, in order:
//!
//! 1. **Scan** the root's direct entries. A `.tmp*` entry that is a real
//!    directory is a build venv (`scanned`); a `_dead_*` real directory is one
//!    an earlier sweep renamed but could not delete. Files, and links of any
//!    kind (symlinks, junctions), are never counted, renamed or followed, even
//!    when their names match. With [`SweepOptions::min_age`] set, a `.tmp*`
//!    directory that it or any direct child was modified within that time is
//!    a build still running: it is left alone and not counted.
//! 2. **Spare the live.** A `.tmp*` or `_dead_*` directory that a running
//!    process uses, whatever its age, is neither renamed nor removed
//!    ([`crate::liveness`]: executable, command line, working directory, open
//!    or mapped files inside it, or a uv building since before it was
//!    created). It is counted in [`SweepReport::live`], not in `scanned`. The
//!    processes are read once, and only when there is a candidate; where they
//!    cannot be read, the age rule alone applies and
//!    [`SweepReport::liveness`] says why.
//! 3. **Rename** each build venv to a free `_dead_*` name (`renamed`; see
//!    [`crate::names::dead_name_for`]). An existing entry is never replaced or
//!    merged into. A rename that fails is skipped.
//! 4. **Remove** every `_dead_*` directory, new and old, except live ones, with
//!    [`crate::remove::remove_tree`], on up to [`SweepOptions::threads`]
//!    threads ([`crate::parallel`]; `deleted` counts the ones fully gone).
//! 5. **Count** the `_dead_*` directories still in the root (`remaining`).
//!
//! Nothing outside the root's `.tmp*` and `_dead_*` directories is ever changed;
//! the root itself is followed if it is a link (the user chose it), but no link
//! inside it is. Every failure of steps 1–5 is absorbed into the counts and the
//! report's [`ErrorLog`]; only a root that cannot be swept at all (empty path,
//! missing, not a directory, unreadable) is an `Err`.
//!
//! A known limit, shared with `rm -rf` implementations that walk by path
//! (uv's own cache removal among them): a process that can write into the cache
//! and swaps a directory for a link between the walk listing it and entering it
//! could redirect the walk. Only the cache's owner can do that.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::error::{ErrorLog, Operation, SweepError};
use crate::liveness::{self, Candidate, LivenessCheck};
use crate::names::{dead_name_for, is_dead_name, is_tmp_name};
use crate::parallel::remove_all;
use crate::remove::{exists_no_follow, Backend, RemovalSettings, RemovalTally};

/// How many errors a report keeps in full by default; the rest are counted.
pub(crate) const DEFAULT_ERROR_CAPACITY: usize = 16;

/// The most threads a sweep uses unless told otherwise. Removal is bound by
/// the filesystem; past a few threads they only wait on the same locks.
pub(crate) const MAX_DEFAULT_THREADS: usize = 4;

/// Threads a sweep uses by default: one per core, at most
/// `MAX_DEFAULT_THREADS`. Measured (docs/performance.md): two threads halve
/// the sweep on two cores and cost nothing measurable on one.
pub fn default_threads() -> NonZeroUsize {
    thread::available_parallelism()
        .unwrap_or(NonZeroUsize::MIN)
        .min(NonZeroUsize::new(MAX_DEFAULT_THREADS).expect("non-zero"))
}

/// How a sweep runs. `SweepOptions::default()` is the drop-in behaviour of
/// the GDScript `McpUvCacheCleanup.purge_directory`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepOptions {
    /// Leave alone a `.tmp*` directory that it or a direct child was modified
    /// less than this long ago (a build that may still be running). Zero (the
    /// default) treats every `.tmp*` directory as stale.
    pub min_age: Duration,
    /// Scan and walk, count what would be renamed and removed, change nothing.
    pub dry_run: bool,
    /// Sum the sizes of removed files into the report (one `lstat` per file).
    pub measure_bytes: bool,
    /// How many threads remove `_dead_*` directories at once (the calling
    /// thread is one of them); [`default_threads`] by default.
    pub threads: NonZeroUsize,
    /// How many errors the report keeps in full.
    pub error_capacity: usize,
    /// How trees are walked; the platform's default is right outside tests.
    pub backend: Backend,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            min_age: Duration::ZERO,
            dry_run: false,
            measure_bytes: false,
            threads: default_threads(),
            error_capacity: DEFAULT_ERROR_CAPACITY,
            backend: Backend::default(),
        }
    }
}

/// The four counts of the drop-in API.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepCounts {
    /// `.tmp*` directories found (and old enough) on entry.
    pub scanned: u64,
    /// Of those, how many were renamed to `_dead_*` (in a dry run: would be).
    pub renamed: u64,
    /// `_dead_*` directories, new and old, fully removed (in a dry run: that
    /// would be attempted).
    pub deleted: u64,
    /// `_dead_*` directories still in the root afterwards.
    pub remaining: u64,
}

/// Everything one sweep did.
#[derive(Debug)]
pub struct SweepReport {
    /// The drop-in counts.
    pub counts: SweepCounts,
    /// Files removed and their bytes (bytes only with
    /// [`SweepOptions::measure_bytes`]).
    pub removal: RemovalTally,
    /// Wall-clock time the sweep took.
    pub elapsed: Duration,
    /// What failed, and where.
    pub errors: ErrorLog,
    /// `.tmp*` and `_dead_*` directories left alone because a running process
    /// uses them (a `_dead_*` one is also in `remaining`).
    pub live: u64,
    /// Whether the running processes could be read for that.
    pub liveness: LivenessCheck,
}

impl std::ops::AddAssign for SweepCounts {
    /// Adds another sweep's counts (the sum over several caches).
    fn add_assign(&mut self, other: SweepCounts) {
        self.scanned += other.scanned;
        self.renamed += other.renamed;
        self.deleted += other.deleted;
        self.remaining += other.remaining;
    }
}

impl SweepReport {
    /// The report of a sweep that did nothing: zeros, no error.
    pub fn empty() -> SweepReport {
        SweepReport {
            counts: SweepCounts::default(),
            removal: RemovalTally::default(),
            elapsed: Duration::ZERO,
            errors: ErrorLog::with_capacity(1),
            live: 0,
            liveness: LivenessCheck::NotNeeded,
        }
    }

    /// Several sweeps' reports (one per cache) as one: counts, removals,
    /// time and live directories summed; errors in order, at most
    /// 16 (the default error capacity) kept; and the liveness check that says the
    /// most (unavailable over processes read over not needed).
    pub fn combined(reports: impl IntoIterator<Item = SweepReport>) -> SweepReport {
        let mut total = SweepReport {
            errors: ErrorLog::with_capacity(DEFAULT_ERROR_CAPACITY),
            ..SweepReport::empty()
        };
        for report in reports {
            total.counts += report.counts;
            total.removal.files_removed += report.removal.files_removed;
            total.removal.bytes_freed += report.removal.bytes_freed;
            total.elapsed += report.elapsed;
            total.errors.absorb(report.errors);
            total.live += report.live;
            total.liveness = match (total.liveness, report.liveness) {
                (LivenessCheck::Unavailable(why), _) | (_, LivenessCheck::Unavailable(why)) => {
                    LivenessCheck::Unavailable(why)
                }
                (LivenessCheck::Processes(a), LivenessCheck::Processes(b)) => LivenessCheck::Processes(a.max(b)),
                (LivenessCheck::Processes(n), _) | (_, LivenessCheck::Processes(n)) => LivenessCheck::Processes(n),
                (LivenessCheck::NotNeeded, LivenessCheck::NotNeeded) => LivenessCheck::NotNeeded,
            };
        }
        total
    }
}

/// Sweeps `root` with `options`. See the module documentation for the rules.
///
/// # Errors
/// Only when the root cannot be swept at all: [`SweepError::EmptyPath`],
/// [`SweepError::RootNotFound`], [`SweepError::RootNotADirectory`], or an
/// [`SweepError::Io`] for a root that cannot be read.
pub fn sweep(root: &Path, options: &SweepOptions) -> Result<SweepReport, SweepError> {
    sweep_cancellable(root, options, &AtomicBool::new(false))
}

/// [`sweep`], stopping early once `cancel` is set (from any thread). A
/// cancelled sweep still counts what is `remaining`, so its counts stay true.
pub fn sweep_cancellable(root: &Path, options: &SweepOptions, cancel: &AtomicBool) -> Result<SweepReport, SweepError> {
    let started = Instant::now();
    check_root(root)?;
    let mut errors = ErrorLog::with_capacity(options.error_capacity);
    let mut counts = SweepCounts::default();

    let mut scan = scan_root(root, options.min_age, &mut errors)?;
    let liveness = spare_live(root, &mut scan);
    counts.scanned = scan.stale_builds.len() as u64;

    let mut dead_dirs: Vec<PathBuf> = scan.dead_dirs.iter().map(|name| root.join(name)).collect();
    for name in &scan.stale_builds {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let source = root.join(name);
        if options.dry_run {
            counts.renamed += 1;
            dead_dirs.push(source);
            continue;
        }
        if let Some(dead) = rename_to_dead(root, name, &source, &mut errors) {
            counts.renamed += 1;
            dead_dirs.push(dead);
        }
    }

    let settings = RemovalSettings {
        dry_run: options.dry_run,
        measure_bytes: options.measure_bytes,
        backend: options.backend,
        cancel,
    };
    let removal = remove_all(&dead_dirs, &settings, options.threads, options.error_capacity);
    counts.deleted = removal.gone;
    errors.absorb(removal.errors);

    counts.remaining = match scan_root(root, Duration::ZERO, &mut errors) {
        Ok(after) => after.dead_dirs.len() as u64,
        Err(err) => {
            errors.push(err);
            0
        }
    };
    Ok(SweepReport {
        counts,
        removal: removal.tally,
        elapsed: started.elapsed(),
        errors,
        live: liveness.live.len() as u64,
        liveness: liveness.check,
    })
}

/// Step 2: takes the directories a running process uses out of `scan`.
fn spare_live(root: &Path, scan: &mut RootScan) -> liveness::Liveness {
    let candidates: Vec<Candidate> = scan
        .stale_builds
        .iter()
        .chain(&scan.dead_dirs)
        .map(|name| Candidate::read(root, name.clone()))
        .collect();
    let liveness = liveness::check(root, &candidates);
    scan.stale_builds.retain(|name| !liveness.live.contains(name));
    scan.dead_dirs.retain(|name| !liveness.live.contains(name));
    liveness
}

fn check_root(root: &Path) -> Result<(), SweepError> {
    if root.as_os_str().is_empty() {
        return Err(SweepError::EmptyPath);
    }
    match fs::metadata(root) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(SweepError::RootNotADirectory { path: root.into() }),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Err(SweepError::RootNotFound { path: root.into() }),
        Err(err) => Err(SweepError::io(Operation::ReadMetadata, root, err)),
    }
}

/// The root's entries the sweep acts on, by name, sorted.
struct RootScan {
    stale_builds: Vec<OsString>,
    dead_dirs: Vec<OsString>,
}

fn scan_root(root: &Path, min_age: Duration, errors: &mut ErrorLog) -> Result<RootScan, SweepError> {
    let entries = fs::read_dir(root).map_err(|err| SweepError::io(Operation::ListDirectory, root, err))?;
    let now = SystemTime::now();
    let mut scan = RootScan {
        stale_builds: Vec::new(),
        dead_dirs: Vec::new(),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                errors.push(SweepError::io(Operation::ListDirectory, root, err));
                continue;
            }
        };
        let name = entry.file_name();
        let wanted = is_tmp_name(&name) || is_dead_name(&name);
        if !wanted {
            continue;
        }
        // `DirEntry::file_type` does not follow links: a link to a directory
        // (or a junction) is not a directory here.
        match entry.file_type() {
            Ok(file_type) if file_type.is_dir() => {}
            Ok(_) => continue,
            Err(err) => {
                errors.push(SweepError::io(Operation::ReadMetadata, entry.path(), err));
                continue;
            }
        }
        if is_dead_name(&name) {
            scan.dead_dirs.push(name);
        } else if !modified_within(&entry.path(), min_age, now) {
            scan.stale_builds.push(name);
        }
    }
    scan.stale_builds.sort();
    scan.dead_dirs.sort();
    Ok(scan)
}

/// True if `dir` or any of its direct entries was modified less than
/// `min_age` before `now`. Anything that cannot be read counts as recent: a
/// build that cannot be judged is left alone.
fn modified_within(dir: &Path, min_age: Duration, now: SystemTime) -> bool {
    if min_age.is_zero() {
        return false;
    }
    let Some(threshold) = now.checked_sub(min_age) else {
        return true;
    };
    let is_recent = |meta: io::Result<fs::Metadata>| meta.and_then(|m| m.modified()).map_or(true, |t| t > threshold);
    if is_recent(fs::symlink_metadata(dir)) {
        return true;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return true;
    };
    entries
        .into_iter()
        .any(|entry| entry.map_or(true, |entry| is_recent(entry.metadata())))
}

/// Renames the build directory `source` (named `name`) to a free `_dead_*`
/// name in `root`. Returns the new path, or `None` (with the error logged).
fn rename_to_dead(root: &Path, name: &OsString, source: &Path, errors: &mut ErrorLog) -> Option<PathBuf> {
    // Checking before renaming is what makes the rule the same everywhere:
    // Windows refuses to rename onto an existing entry, but POSIX rename(2)
    // silently replaces an empty directory.
    let Some(dead_name) = dead_name_for(name, |candidate| exists_no_follow(&root.join(candidate))) else {
        errors.push(SweepError::io(
            Operation::ChooseDeadName,
            source,
            io::Error::new(io::ErrorKind::AlreadyExists, "every candidate _dead_ name is taken"),
        ));
        return None;
    };
    let dead = root.join(dead_name);
    match fs::rename(source, &dead) {
        Ok(()) => Some(dead),
        // Another sweep renamed it first; that sweep owns it now.
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => {
            errors.push(SweepError::io(Operation::Rename { to: dead }, source, err));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(counts: [u64; 4], files: u64, live: u64, liveness: LivenessCheck, errors: usize) -> SweepReport {
        let mut report = SweepReport {
            counts: SweepCounts {
                scanned: counts[0],
                renamed: counts[1],
                deleted: counts[2],
                remaining: counts[3],
            },
            removal: RemovalTally {
                files_removed: files,
                bytes_freed: files * 10,
            },
            elapsed: Duration::from_millis(files),
            errors: ErrorLog::with_capacity(DEFAULT_ERROR_CAPACITY),
            live,
            liveness,
        };
        for _ in 0..errors {
            report.errors.push(SweepError::EmptyPath);
        }
        report
    }

    #[test]
    fn combined_reports_sum_and_keep_the_liveness_that_says_most() {
        let total = SweepReport::combined([
            report([2, 2, 3, 1], 5, 1, LivenessCheck::Processes(7), 10),
            report([1, 1, 1, 0], 2, 0, LivenessCheck::NotNeeded, 10),
        ]);
        assert_eq!(
            total.counts,
            SweepCounts {
                scanned: 3,
                renamed: 3,
                deleted: 4,
                remaining: 1
            }
        );
        assert_eq!(
            total.removal,
            RemovalTally {
                files_removed: 7,
                bytes_freed: 70
            }
        );
        assert_eq!(total.elapsed, Duration::from_millis(7));
        assert_eq!(total.live, 1);
        assert_eq!(total.liveness, LivenessCheck::Processes(7));
        assert_eq!(
            (total.errors.total(), total.errors.kept().len()),
            (20, DEFAULT_ERROR_CAPACITY)
        );

        let unavailable = LivenessCheck::Unavailable("no /proc".into());
        let total = SweepReport::combined([
            report([0; 4], 0, 0, LivenessCheck::Processes(3), 0),
            report([0; 4], 0, 0, unavailable.clone(), 0),
        ]);
        assert_eq!(total.liveness, unavailable);
        assert_eq!(SweepReport::combined([]).liveness, LivenessCheck::NotNeeded);
    }
}
