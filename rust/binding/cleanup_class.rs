//! The Godot surface: the `McpUvCacheCleanup` class.
//!
//! This layer only converts types and reports; the rules live in
//! [`crate::sweep`]. Every call is run through [`crate::panic_guard`], so a
//! bug answers with zeros and a `godot_error!` instead of taking the editor
//! down.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use godot::classes::Os;
use godot::prelude::*;

use super::convert::{
    counts_to_dictionary, live_sweep_dictionary, options_argument, outcome_report_dictionary, report_to_dictionary,
    root_argument, ArgumentError,
};
use super::outcome::tell;
use super::sweep_class::McpUvCacheSweep;
use crate::background::SweepOutcome;
use crate::options::CallOptions;
use crate::panic_guard;
use crate::sweep::{sweep, SweepCounts, SweepOptions, SweepReport};
use crate::uv_cache_dir::{resolve_for_this_process, Resolution};

/// Sweeps stale `.tmp*` uv build venvs. Drop-in replacement for the GDScript
/// class of the same name (same static methods, same Dictionary keys), plus
/// background, detailed and configurable variants.
#[derive(GodotClass)]
#[class(base = RefCounted, init, tool)]
pub struct McpUvCacheCleanup {
    base: Base<RefCounted>,
}

#[godot_api]
impl McpUvCacheCleanup {
    /// Sweeps the `builds-v0` directory of the cache uv uses on Windows,
    /// found as uv finds it for the `uvx` this editor starts: `UV_NO_CACHE`
    /// (nothing to sweep), `UV_CACHE_DIR`, `cache-dir` in uv's configuration
    /// (`UV_CONFIG_FILE`, else the user's `%APPDATA%\uv\uv.toml` over
    /// `%PROGRAMDATA%\uv\uv.toml`; `UV_NO_CONFIG` turns them off), then
    /// `%LOCALAPPDATA%\uv\cache`. Returns `{scanned, renamed, deleted,
    /// remaining}`: all zeros on other systems, when there is no such
    /// directory, or when uv's configuration cannot be read (with a warning
    /// naming the file or variable).
    #[func]
    fn purge_stale_builds() -> VarDictionary {
        guarded("purge_stale_builds", zero_counts, || match live_builds_root() {
            Some(root) => run_now(&root, &drop_in_options()),
            None => zero_counts(),
        })
    }

    /// `purge_stale_builds` with the full report of `purge_directory_report`
    /// plus `builds_root` (the directory swept, `""` if none) and `rule`
    /// (what chose it: `"UV_CACHE_DIR"`, `"UV_CONFIG_FILE"`, `"user uv.toml"`,
    /// `"system uv.toml"`, `"LOCALAPPDATA"`, `"FOLDERID_LocalAppData"`, or
    /// why nothing was swept: `"not Windows"`, `"UV_NO_CACHE"`, …).
    #[func]
    fn purge_stale_builds_report() -> VarDictionary {
        guarded(
            "purge_stale_builds_report",
            || report_to_dictionary(&SweepReport::empty()),
            || {
                let resolution = resolve_live_sweep();
                let mut report = match &resolution.builds_root {
                    Some(root) => report_of(root),
                    None => report_to_dictionary(&SweepReport::empty()),
                };
                let builds_root = resolution.builds_root.as_deref().map(path_string).unwrap_or_default();
                report.set("builds_root", &GString::from(&builds_root));
                report.set("rule", &GString::from(&resolution.rule));
                report
            },
        )
    }

    /// What the last `purge_stale_builds` (or its report or async twin)
    /// in this process looked at: `{calls, builds_root, rule}`, where `calls`
    /// counts every such call so far; `{}` before the first. Shows that a
    /// plugin's stop handler reached the sweep, and where it looked.
    #[func]
    fn last_stale_builds_sweep() -> VarDictionary {
        guarded("last_stale_builds_sweep", VarDictionary::new, || {
            let last = LAST_LIVE_SWEEP
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match &*last {
                Some(sweep) => live_sweep_dictionary(sweep.calls, &sweep.builds_root, &sweep.rule),
                None => VarDictionary::new(),
            }
        })
    }

    /// Sweeps `builds_root` (a String: an OS path, or a `user://` / `res://`
    /// path). Returns `{scanned, renamed, deleted, remaining}`; all zeros if
    /// the directory is missing, and zeros plus a warning if the path is empty,
    /// not a directory or unreadable. A `builds_root` that is not a String, or
    /// a `res://` / `user://` path climbing out with `..`, is an error (zeros).
    /// A build dir that a running process uses (a uv build in progress) is
    /// never renamed or removed, whatever its age, and is not counted.
    #[func]
    fn purge_directory(builds_root: Variant) -> VarDictionary {
        guarded("purge_directory", zero_counts, || {
            match checked("purge_directory", root_argument(&builds_root)) {
                Some(root) => run_now(&root, &drop_in_options()),
                None => zero_counts(),
            }
        })
    }

    /// `purge_directory` with options: `min_age_sec` (int, default 0),
    /// `dry_run` (bool, default false), `threads` (int 1–16), `log_summary`
    /// (bool, default false). An unknown key or a wrong value type is reported
    /// with `push_error` naming the key, and nothing is touched (zeros).
    #[func]
    fn purge_directory_with(builds_root: Variant, options: Variant) -> VarDictionary {
        guarded("purge_directory_with", zero_counts, || {
            match checked("purge_directory_with", root_and_options(&builds_root, &options)) {
                Some((root, options)) => run_now(&root, &options),
                None => zero_counts(),
            }
        })
    }

    /// `purge_directory` with the full report: the four counts plus
    /// `files_removed`, `bytes_freed`, `elapsed_usec`, `errors` (up to 16
    /// strings `"<path>: <operation>: <OS error>"`, the first failures met),
    /// `live` (build dirs left alone because a running process uses them;
    /// every sweep spares those) and `liveness` (`"processes"`, `"not
    /// needed"` when nothing was a candidate, or `"unavailable: <why>"` when
    /// the processes could not be read and only `min_age_sec` applied).
    #[func]
    fn purge_directory_report(builds_root: Variant) -> VarDictionary {
        guarded(
            "purge_directory_report",
            || report_to_dictionary(&SweepReport::empty()),
            || match checked("purge_directory_report", root_argument(&builds_root)) {
                Some(root) => report_of(&root),
                None => report_to_dictionary(&SweepReport::empty()),
            },
        )
    }

    /// The directory `purge_stale_builds` sweeps, or `""` where it sweeps
    /// nothing (not Windows, `UV_NO_CACHE`, or uv's configuration unreadable).
    /// Says nothing to the Output.
    #[func]
    fn stale_builds_root() -> GString {
        guarded("stale_builds_root", GString::new, || {
            let root = live_resolution().builds_root;
            GString::from(&root.as_deref().map(path_string).unwrap_or_default())
        })
    }

    /// `purge_stale_builds` on a worker thread: returns at once with a
    /// `McpUvCacheSweep`, which emits `finished(result)` on the main thread.
    #[func]
    fn purge_stale_builds_async() -> Gd<McpUvCacheSweep> {
        guarded(
            "purge_stale_builds_async",
            McpUvCacheSweep::zeros,
            || match live_builds_root() {
                Some(root) => McpUvCacheSweep::start(root, drop_in_options()),
                None => McpUvCacheSweep::zeros(),
            },
        )
    }

    /// `purge_directory` on a worker thread; see `purge_stale_builds_async`.
    #[func]
    fn purge_directory_async(builds_root: Variant) -> Gd<McpUvCacheSweep> {
        guarded("purge_directory_async", McpUvCacheSweep::zeros, || {
            match checked("purge_directory_async", root_argument(&builds_root)) {
                Some(root) => McpUvCacheSweep::start(root, drop_in_options()),
                None => McpUvCacheSweep::zeros(),
            }
        })
    }

    /// `purge_directory_with` on a worker thread. Bad arguments are reported
    /// at once and the returned sweep finishes with zeros.
    #[func]
    fn purge_directory_async_with(builds_root: Variant, options: Variant) -> Gd<McpUvCacheSweep> {
        guarded("purge_directory_async_with", McpUvCacheSweep::zeros, || {
            match checked("purge_directory_async_with", root_and_options(&builds_root, &options)) {
                Some((root, options)) => McpUvCacheSweep::start(root, options),
                None => McpUvCacheSweep::zeros(),
            }
        })
    }
}

/// Runs `body` with panics caught: a panic becomes `fallback()` and a
/// `godot_error!` naming the method.
fn guarded<T>(method: &str, fallback: impl FnOnce() -> T, body: impl FnOnce() -> T) -> T {
    panic_guard::catch(body).unwrap_or_else(|message| {
        godot_error!("McpUvCacheCleanup.{method}: internal error, nothing reported: {message}");
        fallback()
    })
}

/// What the last live sweep of this process looked at.
struct LiveSweep {
    calls: u64,
    builds_root: String,
    rule: String,
}

static LAST_LIVE_SWEEP: Mutex<Option<LiveSweep>> = Mutex::new(None);

/// Where uv's cache is for this process ([`crate::uv_cache_dir`]), from
/// Godot's OS name.
fn live_resolution() -> Resolution {
    resolve_for_this_process(&Os::singleton().get_name().to_string())
}

/// The live builds directory to sweep now, if any (see
/// [`resolve_live_sweep`]).
fn live_builds_root() -> Option<PathBuf> {
    resolve_live_sweep().builds_root
}

/// Resolves where a live sweep goes now, reports the resolution's warnings to
/// the Output and records the call for `last_stale_builds_sweep`.
fn resolve_live_sweep() -> Resolution {
    let resolution = live_resolution();
    for warning in &resolution.warnings {
        godot_warn!("McpUvCacheCleanup: {warning}");
    }
    let mut last = LAST_LIVE_SWEEP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let calls = last.as_ref().map_or(0, |sweep| sweep.calls) + 1;
    *last = Some(LiveSweep {
        calls,
        builds_root: resolution.builds_root.as_deref().map(path_string).unwrap_or_default(),
        rule: resolution.rule.clone(),
    });
    resolution
}

/// A path as Godot shows it.
fn path_string(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The full report of a sweep of `root`, told to the Output.
fn report_of(root: &Path) -> VarDictionary {
    let options = CallOptions {
        sweep: SweepOptions {
            measure_bytes: true,
            ..SweepOptions::default()
        },
        log_summary: false,
    };
    let outcome = SweepOutcome::from(sweep(root, &options.sweep));
    tell(root, &outcome, &options);
    outcome_report_dictionary(&outcome)
}

fn drop_in_options() -> CallOptions {
    CallOptions {
        sweep: SweepOptions::default(),
        log_summary: false,
    }
}

/// The value of a read argument; a refused one is reported with
/// `push_error` naming the method and what was wrong, and gives `None`.
fn checked<T>(method: &str, argument: Result<T, ArgumentError>) -> Option<T> {
    argument
        .map_err(|err| godot_error!("McpUvCacheCleanup.{method}: {err}; nothing swept"))
        .ok()
}

fn root_and_options(builds_root: &Variant, options: &Variant) -> Result<(PathBuf, CallOptions), ArgumentError> {
    Ok((root_argument(builds_root)?, options_argument(options)?))
}

/// Sweeps on this thread and tells the Output; the counts, zeros when the
/// sweep was refused.
fn run_now(root: &Path, options: &CallOptions) -> VarDictionary {
    let outcome = SweepOutcome::from(sweep(root, &options.sweep));
    tell(root, &outcome, options);
    counts_to_dictionary(&outcome.counts())
}

fn zero_counts() -> VarDictionary {
    counts_to_dictionary(&SweepCounts::default())
}
