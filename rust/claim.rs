//! Which builds directories this process is sweeping now, so that two sweeps
//! of the editor plugin never work on one cache at once.
//!
//! Two sweeps of one directory would not harm it (every step of a sweep
//! tolerates a directory that another removed first), but they would share
//! the disk for nothing and report each other's work as their own. A sweep
//! that claims its directory with [`RootClaim::try_claim`] holds it until the
//! claim is dropped; a second claim of the same directory, by any path that
//! names it, is refused meanwhile.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The directories claimed now, each by its canonical path (or the path as
/// given when it cannot be resolved, e.g. it does not exist yet).
static CLAIMED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A builds directory held by one sweep; released when dropped.
#[derive(Debug)]
pub struct RootClaim {
    key: PathBuf,
}

impl RootClaim {
    /// Claims `root` for the caller, or `None` if a live claim already holds
    /// the same directory (by any path that resolves to it).
    pub fn try_claim(root: &Path) -> Option<RootClaim> {
        let key = claim_key(root);
        let mut claimed = CLAIMED.lock().unwrap_or_else(PoisonError::into_inner);
        if claimed.contains(&key) {
            return None;
        }
        claimed.push(key.clone());
        Some(RootClaim { key })
    }
}

/// What [`claim_each`] got: the directories claimed, each with its claim,
/// and those another sweep holds now.
#[derive(Debug, Default)]
pub struct Claimed {
    /// The directories claimed, in the order given, each once.
    pub claimed: Vec<(PathBuf, RootClaim)>,
    /// The directories another live claim holds.
    pub busy: Vec<PathBuf>,
}

/// Claims each of `roots` that no live claim holds. A directory named twice
/// (by any paths) is claimed once, under the first; it is not busy.
pub fn claim_each(roots: impl IntoIterator<Item = PathBuf>) -> Claimed {
    let mut result = Claimed::default();
    for root in roots {
        let key = claim_key(&root);
        if result.claimed.iter().any(|(_, claim)| claim.key == key) {
            continue;
        }
        match RootClaim::try_claim(&root) {
            Some(claim) => result.claimed.push((root, claim)),
            None => result.busy.push(root),
        }
    }
    result
}

impl Drop for RootClaim {
    fn drop(&mut self) {
        let mut claimed = CLAIMED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = claimed.iter().position(|key| *key == self.key) {
            claimed.swap_remove(index);
        }
    }
}

/// The key `root` is claimed under: its canonical path, so that `C:\x`,
/// `c:/x/` and a link to it are one directory.
fn claim_key(root: &Path) -> PathBuf {
    fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())
}
