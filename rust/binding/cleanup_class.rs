//! The Godot surface: the `McpUvCacheCleanup` class.
//!
//! This layer only converts types and reports; the rules live in
//! [`crate::sweep`]. Every call is run through [`crate::panic_guard`], so a
//! bug answers with zeros and a `godot_error!` instead of taking the editor
//! down.

use std::path::{Path, PathBuf};

use godot::prelude::*;

use super::convert::{
    counts_to_dictionary, options_argument, outcome_report_dictionary, report_to_dictionary, root_argument,
    root_dictionary, root_text, ArgumentError,
};
use super::live_caches::{
    last_live_sweep_dictionary, live_builds_roots, live_resolutions, live_roots_text, resolve_live_sweep,
};
use super::outcome::tell;
use super::sweep_class::McpUvCacheSweep;
use super::{checked, guarded};
use crate::background::SweepOutcome;
use crate::options::CallOptions;
use crate::sweep::{sweep, SweepCounts, SweepOptions, SweepReport};
use crate::uv_cache_dir::swept_roots;

/// The class name, for the messages of its methods.
const CLASS: &str = "McpUvCacheCleanup";

/// Sweeps stale `.tmp*` uv build venvs. Drop-in replacement for the GDScript
/// class of the same name (same static methods, same Dictionary keys), plus
/// background, detailed and configurable variants.
#[derive(GodotClass)]
#[class(base = RefCounted, init, tool)]
pub(crate) struct McpUvCacheCleanup {
    base: Base<RefCounted>,
}

// The `_with` methods stay separate from their base methods: gdext 0.5's
// `#[opt(default = ...)]` takes only types it calls immutable
// (`GodotImmutable`: numbers, strings, vectors, packed arrays), not a
// `Variant` or a `Dictionary` (tried: error E0277, "only supports a set of
// truly immutable types"), and the options must stay a `Variant` so that a
// wrong type is reported rather than converted.
#[godot_api]
impl McpUvCacheCleanup {
    /// Sweeps the `builds-v0` directory of every cache a uv of this user may
    /// build in on Windows, each once: the one uv finds for the `uvx` this
    /// editor starts (`UV_NO_CACHE`: nothing to sweep; `UV_CACHE_DIR`;
    /// `cache-dir` in uv's configuration, `UV_CONFIG_FILE`, else the user's
    /// `%APPDATA%\uv\uv.toml` over `%PROGRAMDATA%\uv\uv.toml`, which
    /// `UV_NO_CONFIG` turns off; then `%LOCALAPPDATA%\uv\cache`), and uv's
    /// default cache, which `uvx --isolated --no-config` uses without those
    /// variables (godot-ai 4's server). Returns `{scanned, renamed, deleted,
    /// remaining}`, summed: all zeros on other systems, when there is no such
    /// directory, or when uv's configuration cannot be read (with a warning
    /// naming the file or variable).
    #[func]
    fn purge_stale_builds() -> VarDictionary {
        guarded(CLASS, "purge_stale_builds", zero_counts, || {
            counts_to_dictionary(&sweep_live_caches(&drop_in_options()))
        })
    }

    /// `purge_stale_builds` with the options of `purge_directory_with`. A
    /// bad `options` is reported with `push_error` naming the key, and
    /// nothing is touched (zeros).
    #[func]
    fn purge_stale_builds_with(options: Variant) -> VarDictionary {
        guarded(CLASS, "purge_stale_builds_with", zero_counts, || {
            match checked(CLASS, "purge_stale_builds_with", options_argument(&options)) {
                Some(options) => counts_to_dictionary(&sweep_live_caches(&options)),
                None => zero_counts(),
            }
        })
    }

    /// `purge_stale_builds` with the full report of `purge_directory_report`,
    /// summed over the caches, plus `builds_root` and `rule` for the cache of
    /// the editor's own environment (the directory, `""` if none; what chose
    /// it: `"UV_CACHE_DIR"`, `"UV_CONFIG_FILE"`, `"user uv.toml"`, `"system
    /// uv.toml"`, `"LOCALAPPDATA"`, `"FOLDERID_LocalAppData"`, or why nothing
    /// was swept: `"not Windows"`, `"UV_NO_CACHE"`, …), and `roots`: one
    /// Dictionary `{builds_root, rule, scanned, renamed, deleted, remaining}`
    /// for each directory swept (uv's default cache, when it is another one,
    /// with a rule starting `"uv default: "`).
    #[func]
    fn purge_stale_builds_report() -> VarDictionary {
        guarded(
            CLASS,
            "purge_stale_builds_report",
            || report_to_dictionary(&SweepReport::empty()),
            || {
                let resolutions = resolve_live_sweep();
                let mut roots = Array::<VarDictionary>::new();
                let mut reports = Vec::new();
                for (root, rule) in swept_roots(&resolutions) {
                    let outcome = sweep_and_tell(root, &report_options());
                    roots.push(&root_dictionary(root, rule, &outcome.counts()));
                    reports.push(outcome.into_report());
                }
                let mut report = report_to_dictionary(&SweepReport::combined(reports));
                let own = &resolutions[0];
                let builds_root = root_text(own.builds_root.as_deref());
                report.set("builds_root", &GString::from(&builds_root));
                report.set("rule", &GString::from(&own.rule));
                report.set("roots", &roots);
                report
            },
        )
    }

    /// What the last `purge_stale_builds` (or its report or async twin)
    /// in this process looked at: `{calls, builds_root, rule, roots}`, where
    /// `calls` counts every such call so far, `builds_root` and `rule` are
    /// those of the editor environment's cache and `roots` holds
    /// `{builds_root, rule}` for each directory swept; `{}` before the
    /// first. Shows that a plugin's stop handler reached the sweep, and where
    /// it looked.
    #[func]
    fn last_stale_builds_sweep() -> VarDictionary {
        guarded(CLASS, "last_stale_builds_sweep", VarDictionary::new, || {
            last_live_sweep_dictionary()
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
        guarded(CLASS, "purge_directory", zero_counts, || {
            match checked(CLASS, "purge_directory", root_argument(&builds_root)) {
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
        guarded(CLASS, "purge_directory_with", zero_counts, || {
            match checked(CLASS, "purge_directory_with", root_and_options(&builds_root, &options)) {
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
            CLASS,
            "purge_directory_report",
            || report_to_dictionary(&SweepReport::empty()),
            || match checked(CLASS, "purge_directory_report", root_argument(&builds_root)) {
                Some(root) => report_of(&root),
                None => report_to_dictionary(&SweepReport::empty()),
            },
        )
    }

    /// The directory of the cache uv uses for the `uvx` this editor starts,
    /// the first `purge_stale_builds` sweeps, or `""` where there is none
    /// (not Windows, `UV_NO_CACHE`, or uv's configuration unreadable). Says
    /// nothing to the Output.
    #[func]
    fn stale_builds_root() -> GString {
        guarded(CLASS, "stale_builds_root", GString::new, || {
            let root = live_resolutions().swap_remove(0).builds_root;
            GString::from(&root_text(root.as_deref()))
        })
    }

    /// Every directory `purge_stale_builds` sweeps, in its order (empty
    /// where it sweeps none). Says nothing to the Output.
    #[func]
    fn stale_builds_roots() -> PackedStringArray {
        guarded(CLASS, "stale_builds_roots", PackedStringArray::new, live_roots_text)
    }

    /// `purge_stale_builds` on a worker thread: returns at once with a
    /// `McpUvCacheSweep`, which sweeps the caches one after the other and
    /// emits `finished(result)`, summed, on the main thread.
    #[func]
    fn purge_stale_builds_async() -> Gd<McpUvCacheSweep> {
        guarded(CLASS, "purge_stale_builds_async", McpUvCacheSweep::zeros, || {
            McpUvCacheSweep::start_each(live_builds_roots(), drop_in_options())
        })
    }

    /// `purge_stale_builds_with` on a worker thread. Bad options are reported
    /// at once and the returned sweep finishes with zeros.
    #[func]
    fn purge_stale_builds_async_with(options: Variant) -> Gd<McpUvCacheSweep> {
        guarded(
            CLASS,
            "purge_stale_builds_async_with",
            McpUvCacheSweep::zeros,
            || match checked(CLASS, "purge_stale_builds_async_with", options_argument(&options)) {
                Some(options) => McpUvCacheSweep::start_each(live_builds_roots(), options),
                None => McpUvCacheSweep::zeros(),
            },
        )
    }

    /// `purge_directory` on a worker thread; see `purge_stale_builds_async`.
    #[func]
    fn purge_directory_async(builds_root: Variant) -> Gd<McpUvCacheSweep> {
        guarded(
            CLASS,
            "purge_directory_async",
            McpUvCacheSweep::zeros,
            || match checked(CLASS, "purge_directory_async", root_argument(&builds_root)) {
                Some(root) => McpUvCacheSweep::start(root, drop_in_options()),
                None => McpUvCacheSweep::zeros(),
            },
        )
    }

    /// `purge_directory_with` on a worker thread. Bad arguments are reported
    /// at once and the returned sweep finishes with zeros.
    #[func]
    fn purge_directory_async_with(builds_root: Variant, options: Variant) -> Gd<McpUvCacheSweep> {
        guarded(
            CLASS,
            "purge_directory_async_with",
            McpUvCacheSweep::zeros,
            || match checked(
                CLASS,
                "purge_directory_async_with",
                root_and_options(&builds_root, &options),
            ) {
                Some((root, options)) => McpUvCacheSweep::start(root, options),
                None => McpUvCacheSweep::zeros(),
            },
        )
    }
}

/// The full report of a sweep of `root`, told to the Output.
fn report_of(root: &Path) -> VarDictionary {
    outcome_report_dictionary(&sweep_and_tell(root, &report_options()))
}

/// The options of the full reports: the drop-in's, with bytes measured.
fn report_options() -> CallOptions {
    CallOptions {
        sweep: SweepOptions {
            measure_bytes: true,
            ..SweepOptions::default()
        },
        log_summary: false,
    }
}

fn drop_in_options() -> CallOptions {
    CallOptions {
        sweep: SweepOptions::default(),
        log_summary: false,
    }
}

fn root_and_options(builds_root: &Variant, options: &Variant) -> Result<(PathBuf, CallOptions), ArgumentError> {
    Ok((root_argument(builds_root)?, options_argument(options)?))
}

/// Sweeps every live cache on this thread, one after the other, telling the
/// Output about each; the counts summed.
fn sweep_live_caches(options: &CallOptions) -> SweepCounts {
    let mut total = SweepCounts::default();
    for root in live_builds_roots() {
        total += sweep_and_tell(&root, options).counts();
    }
    total
}

/// Sweeps on this thread and tells the Output; the counts, zeros when the
/// sweep was refused.
fn run_now(root: &Path, options: &CallOptions) -> VarDictionary {
    counts_to_dictionary(&sweep_and_tell(root, options).counts())
}

/// Sweeps `root` on this thread, tells the Output, and returns the outcome.
fn sweep_and_tell(root: &Path, options: &CallOptions) -> SweepOutcome {
    let outcome = SweepOutcome::from(sweep(root, &options.sweep));
    tell(root, &outcome, options);
    outcome
}

fn zero_counts() -> VarDictionary {
    counts_to_dictionary(&SweepCounts::default())
}
