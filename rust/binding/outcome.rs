//! How a sweep ended, told once: the one path from a sweep's outcome to the
//! editor Output. Every entry point ends here: the synchronous purges, the
//! full report, and the poll of a background sweep.

use std::path::Path;

use godot::prelude::*;

use crate::background::SweepOutcome;
use crate::error::SweepError;
use crate::options::CallOptions;
use crate::sweep::SweepReport;

/// Tells the Output how the sweep of `root` with `options` ended, in at most
/// one line: the report of a sweep ([`report_to_output`]), a refusal
/// ([`refusal_to_output`]), or an internal error.
pub(crate) fn tell(root: &Path, outcome: &SweepOutcome, options: &CallOptions) {
    match outcome {
        SweepOutcome::Swept(report) => {
            report_to_output(root, report, options.sweep.dry_run, Verbosity::of(options));
        }
        SweepOutcome::Refused(err) => refusal_to_output(err),
        SweepOutcome::Panicked(message) => {
            godot_error!("McpUvCacheSweep: internal error, nothing reported: {message}");
        }
    }
}

/// What the sweep says in the editor Output once it is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verbosity {
    /// Only a warning when dead dirs remain (the drop-in behaviour).
    WarningsOnly,
    /// One line whenever anything was swept or remains (the plugin hook).
    Summary,
}

impl Verbosity {
    /// How much a sweep called with `options` says: a summary line only when
    /// the caller asked for one (`log_summary`).
    fn of(options: &CallOptions) -> Verbosity {
        if options.log_summary {
            Verbosity::Summary
        } else {
            Verbosity::WarningsOnly
        }
    }
}

/// Reports a finished sweep to the Output: at most one line.
fn report_to_output(root: &Path, report: &SweepReport, dry_run: bool, verbosity: Verbosity) {
    let counts = report.counts;
    if dry_run {
        if verbosity == Verbosity::Summary {
            godot_print!(
                "McpUvCacheCleanup: dry run in {}: would rename {} and remove {} build dir(s)",
                root.display(),
                counts.renamed,
                counts.deleted
            );
        }
        return;
    }
    let in_use = in_use_note(report);
    if counts.remaining > 0 {
        let reason = report
            .errors
            .first()
            .map_or_else(|| "no error was reported".to_owned(), ToString::to_string);
        godot_warn!(
            "McpUvCacheCleanup: removed {} stale uv build dir(s); {} remain in {} (retried on the next sweep){in_use}; first error: {reason}",
            counts.deleted,
            counts.remaining,
            root.display()
        );
    } else if verbosity == Verbosity::Summary && (counts.deleted > 0 || report.live > 0) {
        godot_print!(
            "McpUvCacheCleanup: removed {} stale uv build dir(s) ({} files) from {}{in_use}",
            counts.deleted,
            report.removal.files_removed,
            root.display()
        );
    }
}

/// What follows the count of live build dirs in a summary line
/// (tests/real_uv/real_uv.sh reads it from here: keep it a one-line literal).
pub(crate) const LEFT_ALONE: &str = "in use by a running process, left alone";

/// `"; N in use by a running process, left alone"`, or nothing: why a build
/// dir the user sees did not go.
fn in_use_note(report: &SweepReport) -> String {
    if report.live == 0 {
        String::new()
    } else {
        format!("; {} {LEFT_ALONE}", report.live)
    }
}

/// Reports a sweep that could not start: silent for a missing directory (no
/// cache yet is normal), a warning otherwise.
fn refusal_to_output(err: &SweepError) {
    if !matches!(err, SweepError::RootNotFound { .. }) {
        godot_warn!("McpUvCacheCleanup: nothing swept: {err}");
    }
}
