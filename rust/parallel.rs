//! Sharing the removal of `_dead_*` trees among threads.
//!
//! Independent dead dirs are the natural unit: no two threads ever work in the
//! same tree. When there are too few of them to keep every thread busy (one
//! huge venv left behind), each is first split into its subtrees, a few
//! levels down, and those are removed in parallel; then every dead dir is
//! walked once more, which removes what was left above the subtrees and
//! reports whatever could not be removed. Counts stay exact: files are counted
//! by whichever walk removed them, and a dead dir counts as deleted only if
//! that last walk finds it gone.

use std::fs;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::error::ErrorLog;
use crate::remove::{remove_tree, RemovalSettings, RemovalTally};

/// Work units wanted per thread, so that uneven units still balance.
const UNITS_PER_THREAD: usize = 4;

/// How many levels below a dead dir the split may go (a uv venv's bulk is at
/// `Lib/site-packages/<package>`, three levels down).
const MAX_SPLIT_DEPTH: usize = 4;

/// At most this many subtrees: the list is held in memory, and a sweep's
/// memory must not grow with the size of the cache. A level that would give
/// more is not split.
const MAX_UNITS: usize = 64;

/// What removing a list of trees did.
#[derive(Debug)]
pub(crate) struct RemovalOutcome {
    /// How many of the trees are gone.
    pub gone: u64,
    /// What was removed.
    pub tally: RemovalTally,
    /// What failed.
    pub errors: ErrorLog,
}

/// Removes each of the dead dirs `dirs` on up to `threads` threads, splitting
/// them into subtrees first when there are fewer than the threads can share.
pub(crate) fn remove_all(
    dirs: &[PathBuf],
    settings: &RemovalSettings<'_>,
    threads: NonZeroUsize,
    error_capacity: usize,
) -> RemovalOutcome {
    let threads = threads.get();
    let wanted = threads * UNITS_PER_THREAD;
    // A dry run would count the files of a subtree twice.
    if threads > 1 && !settings.dry_run && dirs.len() < wanted {
        let subtrees = split_into_subtrees(dirs, wanted);
        if subtrees.len() > dirs.len() {
            // The final walk below retries and reports anything that failed
            // here, so these errors would only be duplicates.
            let first = remove_each(&subtrees, settings, threads, error_capacity);
            let mut last = remove_each(dirs, settings, threads, error_capacity);
            last.tally.add(first.tally);
            return last;
        }
    }
    remove_each(dirs, settings, threads, error_capacity)
}

/// The real directories a few levels below `dirs` (never through a link),
/// about `wanted` of them: each level replaces a directory by its
/// subdirectories, keeping a directory that has none.
fn split_into_subtrees(dirs: &[PathBuf], wanted: usize) -> Vec<PathBuf> {
    let mut units = dirs.to_vec();
    for _ in 0..MAX_SPLIT_DEPTH {
        if units.len() >= wanted {
            break;
        }
        let mut next = Vec::new();
        let mut went_deeper = false;
        for dir in &units {
            let children = child_dirs(dir);
            if children.is_empty() {
                next.push(dir.clone());
            } else {
                went_deeper = true;
                next.extend(children);
            }
        }
        if !went_deeper || next.len() > MAX_UNITS {
            break;
        }
        units = next;
    }
    units
}

/// The subdirectories of `dir` that are real directories; none if it cannot
/// be listed (the final walk will report that).
fn child_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        // `DirEntry::file_type` does not follow links.
        .filter(|entry| entry.file_type().is_ok_and(|file_type| file_type.is_dir()))
        .map(|entry| entry.path())
        .collect()
}

/// Removes each tree in `trees`, handing them out to up to `threads` threads;
/// the calling thread is always one of them, so the work gets done even if
/// no extra thread can be started.
fn remove_each(
    trees: &[PathBuf],
    settings: &RemovalSettings<'_>,
    threads: usize,
    error_capacity: usize,
) -> RemovalOutcome {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut outcome = RemovalOutcome {
            gone: 0,
            tally: RemovalTally::default(),
            errors: ErrorLog::with_capacity(error_capacity),
        };
        while let Some(tree) = trees.get(next.fetch_add(1, Ordering::Relaxed)) {
            if remove_tree(tree, settings, &mut outcome.tally, &mut outcome.errors) {
                outcome.gone += 1;
            }
        }
        outcome
    };
    let helpers = threads.min(trees.len()).saturating_sub(1);
    if helpers == 0 {
        return work();
    }
    thread::scope(|scope| {
        let handles: Vec<_> = (0..helpers)
            .filter_map(|_| {
                thread::Builder::new()
                    .name("uv-cache-sweep".into())
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut total = work();
        for handle in handles {
            // A panicking helper is re-raised here; the Godot binding catches it.
            let part = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            total.gone += part.gone;
            total.tally.add(part.tally);
            total.errors.absorb(part.errors);
        }
        total
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_venv_is_split_down_to_its_packages_never_through_links() {
        let base = std::env::temp_dir().join(format!("uvcc-split-{}", std::process::id()));
        let venv = base.join(".tmpVenv");
        let site = venv.join("Lib").join("site-packages");
        for package in 0..10 {
            fs::create_dir_all(site.join(format!("pkg{package}"))).unwrap();
        }
        fs::write(venv.join("pyvenv.cfg"), "").unwrap();
        #[cfg(unix)]
        {
            fs::create_dir_all(base.join("outside").join("a").join("b")).unwrap();
            std::os::unix::fs::symlink(base.join("outside"), site.join("link")).unwrap();
        }

        let mut units = split_into_subtrees(std::slice::from_ref(&venv), 8);
        units.sort();

        let expected: Vec<PathBuf> = (0..10).map(|package| site.join(format!("pkg{package}"))).collect();
        let _ = fs::remove_dir_all(&base);
        assert_eq!(units, expected);
    }

    #[test]
    fn enough_dead_dirs_are_not_split() {
        let dirs: Vec<PathBuf> = (0..8)
            .map(|i| PathBuf::from(format!("/nonexistent/_dead_{i}")))
            .collect();
        assert_eq!(split_into_subtrees(&dirs, 8), dirs);
    }
}
