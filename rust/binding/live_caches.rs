//! The caches a live sweep goes to: where uv's caches are for this process
//! ([`crate::uv_cache_dir`]), and the record of the last such sweep. Both
//! classes start live sweeps, through here: `McpUvCacheCleanup`'s drop-in
//! methods on Windows only (the GDScript class's contract), the editor
//! plugin's `McpUvCacheSweep` wherever uv runs.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use godot::classes::Os;
use godot::prelude::*;

use super::convert::{live_sweep_dictionary, root_text};
use crate::uv_cache_dir::{
    resolve_drop_in_caches_for_this_process, resolve_every_cache_for_this_process, swept_roots, Resolution,
};

/// What the last live sweep of this process looked at.
struct LiveSweep {
    calls: u64,
    resolutions: Vec<Resolution>,
}

static LAST_LIVE_SWEEP: Mutex<Option<LiveSweep>> = Mutex::new(None);

/// Where the drop-in sweeps uv's caches for this process
/// ([`crate::uv_cache_dir`], Windows only), from Godot's OS name: the editor
/// environment's first, never empty.
pub(crate) fn live_resolutions() -> Vec<Resolution> {
    resolve_drop_in_caches_for_this_process(&os_name())
}

fn os_name() -> String {
    Os::singleton().get_name().to_string()
}

/// The live builds directories to sweep now (see [`resolve_live_sweep`]).
pub(crate) fn live_builds_roots() -> Vec<PathBuf> {
    swept_roots(&resolve_live_sweep())
        .map(|(root, _)| root.to_path_buf())
        .collect()
}

/// Resolves where a live sweep goes now, reports the resolutions' warnings
/// to the Output and records the call for `last_stale_builds_sweep`.
pub(crate) fn resolve_live_sweep() -> Vec<Resolution> {
    let resolutions = live_resolutions();
    for warning in resolutions.iter().flat_map(|resolution| &resolution.warnings) {
        godot_warn!("McpUvCacheCleanup: {warning}");
    }
    let mut last = LAST_LIVE_SWEEP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let calls = last.as_ref().map_or(0, |sweep| sweep.calls) + 1;
    *last = Some(LiveSweep {
        calls,
        resolutions: resolutions.clone(),
    });
    resolutions
}

/// `{calls, builds_root, rule, roots}` of the last live sweep; `{}` before
/// the first.
pub(crate) fn last_live_sweep_dictionary() -> VarDictionary {
    let last = LAST_LIVE_SWEEP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match &*last {
        Some(sweep) => live_sweep_dictionary(sweep.calls, &sweep.resolutions),
        None => VarDictionary::new(),
    }
}

/// Every directory a drop-in live sweep goes to, as the reports show them
/// (empty where none). Says nothing to the Output.
pub(crate) fn live_roots_text() -> PackedStringArray {
    roots_text(&live_resolutions(), |_| true)
}

/// Every directory of uv's caches the editor plugin sweeps, on any system
/// uv runs on, as the reports show them: only those that exist, as a cache
/// uv never built in has nothing to sweep and is no error (the plugin asks
/// again at each sweep). Says nothing to the Output.
pub(crate) fn plugin_roots_text() -> PackedStringArray {
    roots_text(&resolve_every_cache_for_this_process(&os_name()), |root| root.is_dir())
}

fn roots_text(resolutions: &[Resolution], keep: impl Fn(&Path) -> bool) -> PackedStringArray {
    swept_roots(resolutions)
        .filter(|(root, _)| keep(root))
        .map(|(root, _)| GString::from(&root_text(Some(root))))
        .collect()
}
