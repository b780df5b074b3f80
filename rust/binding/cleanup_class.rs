//! The Godot surface: the `McpUvCacheCleanup` class.
//!
//! This layer only converts types and reports; the rules live in
//! [`crate::sweep`]. Every call is run through [`crate::panic_guard`], so a
//! bug answers with zeros and a `godot_error!` instead of taking the editor
//! down.

use std::path::{Path, PathBuf};

use godot::classes::Os;
use godot::prelude::*;

use super::convert::{
    counts_to_dictionary, options_argument, refusal_to_output, refused_report_dictionary, report_to_dictionary,
    report_to_output, root_argument, ArgumentError, Verbosity,
};
use super::sweep_class::McpUvCacheSweep;
use crate::location::stale_builds_root;
use crate::options::CallOptions;
use crate::panic_guard;
use crate::sweep::{sweep, SweepCounts, SweepOptions, SweepReport};

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
    /// Sweeps `%LOCALAPPDATA%/uv/cache/builds-v0` on Windows. Returns
    /// `{scanned, renamed, deleted, remaining}`, all zeros on other systems,
    /// when `LOCALAPPDATA` is unset or empty, or when the directory is missing.
    #[func]
    fn purge_stale_builds() -> VarDictionary {
        guarded("purge_stale_builds", zero_counts, || match live_builds_root() {
            Some(root) => counts_of(run_now(&root, &drop_in_options())),
            None => zero_counts(),
        })
    }

    /// Sweeps `builds_root` (a String: an OS path, or a `user://` / `res://`
    /// path). Returns `{scanned, renamed, deleted, remaining}`; all zeros if
    /// the directory is missing, and zeros plus a warning if the path is empty,
    /// not a directory or unreadable. A `builds_root` that is not a String, or
    /// a `res://` / `user://` path climbing out with `..`, is an error (zeros).
    #[func]
    fn purge_directory(builds_root: Variant) -> VarDictionary {
        guarded("purge_directory", zero_counts, || {
            match checked("purge_directory", root_argument(&builds_root)) {
                Some(root) => counts_of(run_now(&root, &drop_in_options())),
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
                Some((root, options)) => counts_of(run_now(&root, &options)),
                None => zero_counts(),
            }
        })
    }

    /// `purge_directory` with the full report: the four counts plus
    /// `files_removed`, `bytes_freed`, `elapsed_usec` and `errors` (up to 16
    /// strings `"<path>: <operation>: <OS error>"`, the first failures met).
    #[func]
    fn purge_directory_report(builds_root: Variant) -> VarDictionary {
        guarded(
            "purge_directory_report",
            || report_to_dictionary(&empty_report()),
            || {
                let Some(root) = checked("purge_directory_report", root_argument(&builds_root)) else {
                    return report_to_dictionary(&empty_report());
                };
                let options = SweepOptions {
                    measure_bytes: true,
                    ..SweepOptions::default()
                };
                match sweep(&root, &options) {
                    Ok(report) => {
                        report_to_output(&root, &report, false, Verbosity::WarningsOnly);
                        report_to_dictionary(&report)
                    }
                    Err(err) => {
                        refusal_to_output(&err);
                        refused_report_dictionary(&err)
                    }
                }
            },
        )
    }

    /// The directory `purge_stale_builds` sweeps, or `""` where it sweeps
    /// nothing (not Windows, or no `LOCALAPPDATA`).
    #[func]
    fn stale_builds_root() -> GString {
        guarded("stale_builds_root", GString::new, || match live_builds_root() {
            Some(root) => GString::from(&root.to_string_lossy().into_owned()),
            None => GString::new(),
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

/// The live cache directory, from Godot's OS name and the process
/// environment.
fn live_builds_root() -> Option<PathBuf> {
    let os_name = Os::singleton().get_name().to_string();
    stale_builds_root(&os_name, |name| std::env::var_os(name))
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

/// Sweeps on this thread and reports to the Output.
fn run_now(root: &Path, options: &CallOptions) -> Option<SweepReport> {
    match sweep(root, &options.sweep) {
        Ok(report) => {
            report_to_output(root, &report, options.sweep.dry_run, Verbosity::of(options));
            Some(report)
        }
        Err(err) => {
            refusal_to_output(&err);
            None
        }
    }
}

fn counts_of(report: Option<SweepReport>) -> VarDictionary {
    counts_to_dictionary(&report.map(|report| report.counts).unwrap_or_default())
}

fn zero_counts() -> VarDictionary {
    counts_to_dictionary(&SweepCounts::default())
}

fn empty_report() -> SweepReport {
    SweepReport {
        counts: SweepCounts::default(),
        removal: Default::default(),
        elapsed: Default::default(),
        errors: crate::error::ErrorLog::with_capacity(1),
    }
}
