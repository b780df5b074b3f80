//! Rule 2 of [`super`]: a uv filling a directory of `builds-v0`, found from
//! uv's own locks, on every system.
//!
//! uv makes a `builds-v0/.tmp*` directory for two kinds of work, and holds an
//! exclusive lock in the cache for as long as each lasts, from before it
//! makes the directory:
//!
//! - **a build**: the lock of the distribution's shard in the
//!   source-distribution bucket (`<cache>/sdists-v<N>/…/.lock`), until the
//!   wheel is built. Between the steps of a build (while it installs the
//!   build requirements, say) no process names the build venv.
//! - **a cached environment** (`uvx`, `uv tool run`, `uv run --with`): the
//!   lock of that environment's entry in the environments bucket
//!   (`<cache>/environments-v<N>/<interpreter>/<resolution>.lock` in uv 0.13,
//!   `<interpreter>/.lock` earlier), while uv makes the environment in
//!   `builds-v0`, installs into it and moves it into the cache. While it
//!   downloads or links the packages, nothing may name the environment
//!   either. Measured with uv 0.13.9 (`tests/real_uv/real_uv.sh`): a sweep at
//!   that moment removed the environment, and the `uvx` failed.
//!
//! Both are taken through `std::fs::File::lock` (`flock` on Unix,
//! `LockFileEx` over the whole file on Windows). The buckets' versions change
//! between uv releases, so every `sdists-v*` and `environments-v*` is looked
//! in. A `uvx` whose environment is made holds neither while its tool runs.
//!
//! A lock is found held by trying to take it shared without waiting: that
//! fails only while another process holds it exclusively, on every system.
//! The attempt never waits and, when it succeeds, the lock is let go at once,
//! so a uv asking for it meanwhile waits a few microseconds at most.
//!
//! Who holds it, and since when, is each system's answer
//! (`platform::lock_holder_starts`): `/proc/locks` on Linux, the Restart
//! Manager on Windows. Where it cannot be told (macOS, a holder in another
//! PID namespace, an error), the start is unknown and every build dir counts
//! as the holder's: work in progress is never broken, and a stale dir only
//! waits for the next sweep.

use std::ffi::OsStr;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

/// A cache bucket in which uv locks what it makes in `builds-v0`.
struct LockBucket {
    /// How the bucket's name starts (`sdists-v9`, `sdists-v11`, …).
    prefix: &'static str,
    /// How deep below the bucket its locks lie, at most: the walk goes no
    /// further (a build's unpacked source lies below a shard).
    max_depth: usize,
    /// Whether a file of that name is one of the bucket's locks.
    is_lock: fn(&OsStr) -> bool,
}

/// The buckets rule 2 reads (see the module documentation).
const LOCK_BUCKETS: [LockBucket; 2] = [
    // `index/<index>/<name>/<version>/.lock` is the deepest shard lock. A
    // shard also holds a build's unpacked source, whose own `*.lock` files
    // (a project's `uv.lock`) are not uv's locks: the name must be exact.
    LockBucket {
        prefix: "sdists-v",
        max_depth: 5,
        is_lock: |name| name == ".lock",
    },
    // `<interpreter>/<resolution>.lock` (uv 0.13) or `<interpreter>/.lock`
    // (earlier); beside them lie only the environments' links.
    LockBucket {
        prefix: "environments-v",
        max_depth: 2,
        is_lock: |name| name.as_encoded_bytes().ends_with(b".lock"),
    },
];

/// The uvs building with a cache, as far as its locks tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildingUvs {
    /// No lock of the buckets rule 2 reads is held: no uv is building a distribution
    /// or an environment in this cache.
    None,
    /// At least one is held; when the earliest holder started,
    /// or `None` when that cannot be told (then every build dir is its).
    Since(Option<SystemTime>),
}

/// Which uvs build with `cache` now: its shard locks, and the start of the
/// earliest process holding one (see the module documentation).
pub fn building_uvs(cache: &Path) -> BuildingUvs {
    let held = held_shard_locks(cache);
    if held.is_empty() {
        return BuildingUvs::None;
    }
    let starts = super::platform::lock_holder_starts(&held);
    // An unknown holder, or none found for a held lock, is the safe side.
    let earliest = match starts {
        Some(starts) if !starts.is_empty() => starts.into_iter().min().flatten(),
        _ => None,
    };
    BuildingUvs::Since(earliest)
}

/// The locks of `cache`'s `sdists-v*` and `environments-v*` buckets (see the
/// module documentation) that another process holds now
/// (or whose state cannot be read: the safe side), in no particular order.
pub fn held_shard_locks(cache: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return Vec::new();
    };
    let mut held = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(bucket) = LOCK_BUCKETS
            .iter()
            .find(|bucket| name.to_str().is_some_and(|name| name.starts_with(bucket.prefix)))
        else {
            continue;
        };
        if !entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        let locks = WalkDir::new(entry.path())
            .max_depth(bucket.max_depth)
            .into_iter()
            .flatten()
            .filter(|lock| lock.file_type().is_file() && (bucket.is_lock)(lock.file_name()));
        held.extend(
            locks
                .map(walkdir::DirEntry::into_path)
                .filter(|lock| lock_state(lock) != LockState::Free),
        );
    }
    held
}

/// What a non-blocking shared lock attempt says about a lock file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    /// Nobody holds it exclusively.
    Free,
    /// Another process (or another handle) holds it exclusively.
    Held,
    /// It could not be opened or tried.
    Unknown,
}

/// Tries to take `lock` shared without waiting, and lets it go at once.
pub fn lock_state(lock: &Path) -> LockState {
    let Ok(file) = File::open(lock) else {
        return LockState::Unknown;
    };
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            LockState::Free
        }
        Err(TryLockError::WouldBlock) => LockState::Held,
        Err(TryLockError::Error(_)) => LockState::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("uvcc-locks-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn shard_lock(cache: &Path, relative: &str) -> PathBuf {
        let lock = cache.join(relative);
        std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
        std::fs::write(&lock, "").unwrap();
        lock
    }

    #[test]
    fn a_lock_held_through_another_handle_is_held_and_free_once_let_go() {
        let cache = scratch("state");
        let lock = shard_lock(&cache, "sdists-v11/path/0123/.lock");
        assert_eq!(lock_state(&lock), LockState::Free);
        let holder = File::open(&lock).unwrap();
        holder.lock().unwrap();
        assert_eq!(lock_state(&lock), LockState::Held);
        drop(holder);
        assert_eq!(lock_state(&lock), LockState::Free);
        // A shared holder (a uv reading the shard) does not count.
        let reader = File::open(&lock).unwrap();
        reader.lock_shared().unwrap();
        assert_eq!(lock_state(&lock), LockState::Free);
        drop(reader);
        assert_eq!(lock_state(&cache.join("missing/.lock")), LockState::Unknown);
        let _ = std::fs::remove_dir_all(&cache);
    }

    #[test]
    fn only_held_locks_of_the_sdists_and_environments_buckets_are_found() {
        let cache = scratch("find");
        let old_bucket = shard_lock(&cache, "sdists-v9/index/abc/pkg/1.0/.lock");
        let new_bucket = shard_lock(&cache, "sdists-v11/git/def/0123/.lock");
        let environment = shard_lock(&cache, "environments-v2/8b0cbae4/709743b0.lock");
        let old_environment = shard_lock(&cache, "environments-v1/8b0cbae4/.lock");
        let free = shard_lock(&cache, "sdists-v11/path/free/.lock");
        let project_lock = shard_lock(&cache, "sdists-v11/path/free/src/uv.lock");
        let elsewhere = shard_lock(&cache, "wheels-v5/pypi/pkg/.lock");
        let cache_lock = shard_lock(&cache, ".lock");
        let holders: Vec<File> = [
            &old_bucket,
            &new_bucket,
            &environment,
            &old_environment,
            &project_lock,
            &elsewhere,
            &cache_lock,
        ]
        .iter()
        .map(|lock| {
            let file = File::open(lock).unwrap();
            file.lock().unwrap();
            file
        })
        .collect();
        let mut held = held_shard_locks(&cache);
        held.sort();
        let mut want = vec![new_bucket, old_bucket, environment, old_environment];
        want.sort();
        assert_eq!(held, want, "free: {free:?}");
        drop(holders);
        assert!(held_shard_locks(&cache).is_empty());
        assert!(held_shard_locks(&cache.join("no-such-cache")).is_empty());
        let _ = std::fs::remove_dir_all(&cache);
    }
}
