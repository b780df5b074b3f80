//! Rule 2 of [`super`]: a uv building with the cache, found from uv's own
//! locks, on every system.
//!
//! While uv builds a distribution it holds the lock of that distribution's
//! shard in the source-distribution bucket (`<cache>/sdists-v<N>/…/.lock`,
//! exclusive, through `std::fs::File::lock`: `flock` on Unix, `LockFileEx`
//! over the whole file on Windows), from before it makes the build venv in
//! `builds-v0` until the wheel is built. Between the steps of a build (while
//! it installs the build requirements, say) no process names the build venv,
//! and this lock is what shows the build is still on. The bucket's version
//! changes between uv releases, so every `sdists-v*` is looked in.
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
//! as the build's: a build in progress is never broken, and a stale dir only
//! waits for the next sweep.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

/// The name uv gives every shard lock.
const LOCK_FILE_NAME: &str = ".lock";

/// How the source-distribution bucket's name starts (`sdists-v9`,
/// `sdists-v11`, …).
const SDISTS_BUCKET_PREFIX: &str = "sdists-v";

/// How deep below a bucket a shard lock lies: `index/<index>/<name>/<version>/.lock`
/// is the deepest (5); a build's unpacked source below a shard is not walked
/// past that.
const SHARD_LOCK_MAX_DEPTH: usize = 5;

/// The uvs building with a cache, as far as its locks tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildingUvs {
    /// No shard lock is held: no uv is building with this cache.
    None,
    /// At least one shard lock is held; when the earliest holder started,
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

/// The shard locks of `cache` that another process holds now (or whose state
/// cannot be read: the safe side), in no particular order.
pub fn held_shard_locks(cache: &Path) -> Vec<PathBuf> {
    let Ok(buckets) = std::fs::read_dir(cache) else {
        return Vec::new();
    };
    let mut held = Vec::new();
    for bucket in buckets.flatten() {
        let is_sdists = bucket
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(SDISTS_BUCKET_PREFIX));
        if !is_sdists || !bucket.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        let locks = WalkDir::new(bucket.path())
            .max_depth(SHARD_LOCK_MAX_DEPTH)
            .into_iter()
            .flatten()
            .filter(|entry| entry.file_type().is_file() && entry.file_name() == LOCK_FILE_NAME);
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
    fn only_held_locks_of_every_sdists_bucket_are_found() {
        let cache = scratch("find");
        let old_bucket = shard_lock(&cache, "sdists-v9/index/abc/pkg/1.0/.lock");
        let new_bucket = shard_lock(&cache, "sdists-v11/git/def/0123/.lock");
        let free = shard_lock(&cache, "sdists-v11/path/free/.lock");
        let elsewhere = shard_lock(&cache, "wheels-v5/pypi/pkg/.lock");
        let cache_lock = shard_lock(&cache, ".lock");
        let holders: Vec<File> = [&old_bucket, &new_bucket, &elsewhere, &cache_lock]
            .iter()
            .map(|lock| {
                let file = File::open(lock).unwrap();
                file.lock().unwrap();
                file
            })
            .collect();
        let mut held = held_shard_locks(&cache);
        held.sort();
        let mut want = vec![new_bucket, old_bucket];
        want.sort();
        assert_eq!(held, want, "free: {free:?}");
        drop(holders);
        assert!(held_shard_locks(&cache).is_empty());
        assert!(held_shard_locks(&cache.join("no-such-cache")).is_empty());
        let _ = std::fs::remove_dir_all(&cache);
    }
}
