//! The Godot surface: the `McpUvCacheCleanup` class and the extension entry.
//!
//! This layer only converts types and reports; the rules live in
//! [`crate::sweep`]. Every call is run through [`crate::panic_guard`], so a
//! bug answers with zeros and a `godot_error!` instead of taking the editor
//! down.

use std::path::PathBuf;

use godot::classes::{Os, ProjectSettings};
use godot::prelude::*;

use crate::error::SweepError;
use crate::location::stale_builds_root;
use crate::panic_guard;
use crate::sweep::{sweep, SweepCounts, SweepOptions, SweepReport};

struct McpUvCacheCleanupExtension;

#[gdextension]
unsafe impl ExtensionLibrary for McpUvCacheCleanupExtension {}

/// Sweeps stale `.tmp*` uv build venvs. Drop-in replacement for the GDScript
/// class of the same name: same static methods, same Dictionary keys.
#[derive(GodotClass)]
#[class(base = RefCounted, init, tool)]
pub struct McpUvCacheCleanup {
    base: Base<RefCounted>,
}

#[godot_api]
impl McpUvCacheCleanup {
    /// Sweeps `%LOCALAPPDATA%/uv/cache/builds-v0` on Windows. Returns
    /// `{scanned, renamed, deleted, remaining}`, all zeros on other systems,
    /// when `LOCALAPPDATA` is unset or empty, or when the directory is missing.
    #[func]
    fn purge_stale_builds() -> VarDictionary {
        guarded("purge_stale_builds", || {
            let os_name = Os::singleton().get_name().to_string();
            match stale_builds_root(&os_name, |name| std::env::var_os(name)) {
                Some(root) => counts_of(sweep_and_warn(&root, &SweepOptions::default())),
                None => SweepCounts::default(),
            }
        })
    }

    /// Sweeps `builds_root` (an OS path, or a `user://` / `res://` path).
    /// Returns `{scanned, renamed, deleted, remaining}`; all zeros if the
    /// directory is missing, and zeros plus a warning if the path is empty,
    /// not a directory or unreadable.
    #[func]
    fn purge_directory(builds_root: GString) -> VarDictionary {
        guarded("purge_directory", || {
            let root = globalize(&builds_root);
            counts_of(sweep_and_warn(&root, &SweepOptions::default()))
        })
    }
}

/// Runs `body` with panics caught: a panic becomes all-zero counts and a
/// `godot_error!` naming the method.
fn guarded(method: &str, body: impl FnOnce() -> SweepCounts) -> VarDictionary {
    let counts = panic_guard::catch(body).unwrap_or_else(|message| {
        godot_error!("McpUvCacheCleanup.{method}: internal error, nothing reported: {message}");
        SweepCounts::default()
    });
    counts_to_dictionary(&counts)
}

/// Converts a Godot path to an OS path. An empty string stays empty (and is
/// rejected by the sweep) rather than becoming the project directory.
fn globalize(path: &GString) -> PathBuf {
    if path.is_empty() {
        return PathBuf::new();
    }
    let global = ProjectSettings::singleton().globalize_path(path);
    PathBuf::from(global.to_string())
}

/// Sweeps `root` and reports to the editor Output: nothing for a missing
/// directory (the normal case when uv never ran), a warning for a path that
/// cannot be swept, and one warning line when dead dirs remain.
fn sweep_and_warn(root: &std::path::Path, options: &SweepOptions) -> Option<SweepReport> {
    match sweep(root, options) {
        Ok(report) => {
            warn_if_remaining(root, &report);
            Some(report)
        }
        Err(SweepError::RootNotFound { .. }) => None,
        Err(err) => {
            godot_warn!("McpUvCacheCleanup: nothing swept: {err}");
            None
        }
    }
}

fn warn_if_remaining(root: &std::path::Path, report: &SweepReport) {
    if report.counts.remaining == 0 {
        return;
    }
    let reason = report
        .errors
        .first()
        .map_or_else(|| "no error was reported".to_owned(), ToString::to_string);
    godot_warn!(
        "McpUvCacheCleanup: {} dead build dir(s) remain in {} (retried on the next sweep); first error: {reason}",
        report.counts.remaining,
        root.display()
    );
}

fn counts_of(report: Option<SweepReport>) -> SweepCounts {
    report.map(|report| report.counts).unwrap_or_default()
}

/// `{scanned, renamed, deleted, remaining}`, in that order, as ints.
fn counts_to_dictionary(counts: &SweepCounts) -> VarDictionary {
    vdict! {
        "scanned" => to_int(counts.scanned),
        "renamed" => to_int(counts.renamed),
        "deleted" => to_int(counts.deleted),
        "remaining" => to_int(counts.remaining),
    }
}

/// Godot ints are `i64`; a count never comes near the limit, but saturate
/// rather than wrap if it ever did.
fn to_int(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
