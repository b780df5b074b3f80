//! `McpUvCacheSweep`: the handle of a sweep running on a worker thread.
//!
//! The worker runs plain Rust only ([`crate::background`]); everything that
//! touches Godot happens on the main thread. While the sweep runs, a one-shot
//! connection to `SceneTree.process_frame` polls it once per frame and
//! re-arms itself; that connection holds a reference to the sweep, so a
//! caller may drop its own reference at once (fire and forget) and the sweep
//! still completes. When the sweep is over, the poll reports to the Output and
//! emits `finished(result)` exactly once, then lets go. If Godot shuts down
//! first, the connection is dropped with the tree, the last reference goes,
//! and the worker is told to stop and joined: no thread outlives the object.
//! Without a `SceneTree` (a custom main loop), poll `is_done()` instead.

use std::path::PathBuf;

use godot::classes::object::ConnectFlags;
use godot::classes::{Engine, SceneTree};
use godot::prelude::*;

use super::convert::{counts_to_dictionary, options_argument, report_to_dictionary, root_argument, root_text};
use super::live_caches::plugin_roots_text;
use super::outcome::tell;
use super::{checked, guarded};
use crate::background::BackgroundSweep;
use crate::claim::{claim_each, RootClaim};
use crate::options::CallOptions;
use crate::panic_guard;
use crate::sweep::{SweepCounts, SweepReport};

/// The class name, for the messages of its methods.
const CLASS: &str = "McpUvCacheSweep";

/// A sweep running in the background. Get one from
/// `McpUvCacheCleanup.purge_directory_async()` and friends, or from
/// `McpUvCacheSweep.start_sweeps()`, which the addon's editor plugin uses.
#[derive(GodotClass)]
#[class(base = RefCounted, no_init, tool)]
pub(crate) struct McpUvCacheSweep {
    base: Base<RefCounted>,
    task: Option<Running>,
    result: Option<VarDictionary>,
    /// The full report, for sweeps from `start_sweeps`, once over.
    report: Option<VarDictionary>,
    /// Directories left out because another sweep held them.
    busy: Vec<PathBuf>,
    emitted: bool,
}

/// A sweep still to be observed, with what is needed to report it: the
/// directory being swept, those still to sweep after it (one at a time, so
/// two caches never share the disk at once), and the counts so far.
struct Running {
    sweep: BackgroundSweep,
    root: PathBuf,
    next_roots: Vec<PathBuf>,
    counts: SweepCounts,
    options: CallOptions,
    /// Each finished directory's report, kept for `get_report` when asked.
    /// Such a sweep tells the Output nothing: its caller reports.
    reports: Option<Vec<(PathBuf, SweepReport)>>,
    /// The directories this sweep holds; released when it ends.
    _claims: Vec<RootClaim>,
}

#[godot_api]
impl McpUvCacheSweep {
    /// Emitted once, on the main thread, when the sweep is over, with the
    /// same Dictionary as `get_result()`. Connecting right after the async
    /// call is always in time: it is emitted on a later frame.
    #[signal]
    fn finished(result: VarDictionary);

    /// True once the sweep is over. Never blocks.
    #[func]
    fn is_done(&mut self) -> bool {
        self.observe();
        self.result.is_some()
    }

    /// `{scanned, renamed, deleted, remaining}` once the sweep is over; an
    /// empty Dictionary while it runs. Never blocks.
    #[func]
    fn get_result(&mut self) -> VarDictionary {
        self.observe();
        self.result.clone().unwrap_or_default()
    }

    /// The full report once the sweep is over, for a sweep from
    /// `start_sweeps`: the four counts plus `files_removed`, `bytes_freed`,
    /// `elapsed_usec`, `errors`, `live` and `liveness` (as
    /// `McpUvCacheCleanup.purge_directory_report`), summed; `roots`, one such
    /// Dictionary per directory swept with its `builds_root`; and `busy`, the
    /// directories left out because another sweep was on them. An empty
    /// Dictionary while it runs, and for other sweeps. Never blocks.
    #[func]
    fn get_report(&mut self) -> VarDictionary {
        self.observe();
        self.report.clone().unwrap_or_default()
    }

    /// Sweeps each of `builds_roots` (Strings, as `purge_directory`'s
    /// `builds_root`) in turn on a worker thread, with `options` (as
    /// `purge_directory_with`'s), and reports through `finished`, `get_result`
    /// and `get_report` (bytes are measured). A directory that another sweep
    /// started this way is still on is left out and named in the report's
    /// `busy`: two never share a cache. It prints nothing to the Output (its
    /// caller reports; `log_summary` is ignored). Bad arguments are reported
    /// with `push_error` and the sweep finishes with zeros. This class is
    /// registered even where a project script declares `McpUvCacheCleanup`,
    /// so the addon's editor plugin sweeps through it.
    #[func]
    fn start_sweeps(builds_roots: PackedStringArray, options: Variant) -> Gd<McpUvCacheSweep> {
        guarded(CLASS, "start_sweeps", Self::zeros, || {
            let roots: Result<Vec<PathBuf>, _> = builds_roots
                .as_slice()
                .iter()
                .map(|root| root_argument(&root.to_variant()))
                .collect();
            let arguments = roots.and_then(|roots| Ok((roots, options_argument(&options)?)));
            match checked(CLASS, "start_sweeps", arguments) {
                Some((roots, mut options)) => {
                    options.sweep.measure_bytes = true;
                    Self::start_claimed(roots, options)
                }
                None => Self::with_report(Self::zeros(), Vec::new()),
            }
        })
    }

    /// Every `builds-v0` of uv's caches that exists, in order, on every
    /// system uv runs on (Windows, macOS, Linux, the BSDs): that of the cache
    /// of the editor's environment, then that of uv's default cache when it
    /// is another (`McpUvCacheCleanup.stale_builds_roots` gives both, missing
    /// or not, on Windows and nothing elsewhere). Empty where uv's
    /// configuration makes the cache unknown or throwaway. Says nothing to
    /// the Output. Registered where `McpUvCacheCleanup` is not (see
    /// `start_sweeps`).
    #[func]
    fn stale_builds_roots() -> PackedStringArray {
        guarded(CLASS, "stale_builds_roots", PackedStringArray::new, plugin_roots_text)
    }

    /// Internal: the per-frame poll that emits `finished`; connected one
    /// frame at a time by the sweep itself. `_keep_alive` is the sweep, bound
    /// to the connection so that it outlives the caller's reference. Do not
    /// call it.
    #[func(gd_self, rename = _poll_frame)]
    fn poll_frame(this: Gd<Self>, _keep_alive: Variant) {
        if let Err(message) = panic_guard::catch(|| poll_once(this.clone())) {
            // Reported once: the poll is not armed again. The sweep ends
            // with zeros so that a caller awaiting `finished` goes on.
            godot_error!("McpUvCacheSweep: internal error while polling, the sweep reports zeros: {message}");
            let _ = panic_guard::catch(|| give_up(this));
        }
    }
}

impl McpUvCacheSweep {
    /// Starts sweeping `root` on a worker thread and arms the frame poll.
    pub(crate) fn start(root: PathBuf, options: CallOptions) -> Gd<McpUvCacheSweep> {
        Self::start_each(vec![root], options)
    }

    /// Sweeps each of `roots` in turn on a worker thread, and reports their
    /// counts summed; with no root, [`McpUvCacheSweep::zeros`].
    pub(crate) fn start_each(roots: Vec<PathBuf>, options: CallOptions) -> Gd<McpUvCacheSweep> {
        Self::start_running(roots, options, None, Vec::new())
    }

    /// [`McpUvCacheSweep::start_each`] over the roots no other claimed sweep
    /// holds, holding them until it ends, and keeping the full report.
    fn start_claimed(roots: Vec<PathBuf>, options: CallOptions) -> Gd<McpUvCacheSweep> {
        let claimed = claim_each(roots);
        let (roots, claims) = claimed.claimed.into_iter().unzip();
        let sweep = Self::start_running(roots, options, Some(Vec::new()), claims);
        Self::with_report(sweep, claimed.busy)
    }

    fn start_running(
        roots: Vec<PathBuf>,
        options: CallOptions,
        reports: Option<Vec<(PathBuf, SweepReport)>>,
        claims: Vec<RootClaim>,
    ) -> Gd<McpUvCacheSweep> {
        let mut roots = roots.into_iter();
        let Some(root) = roots.next() else {
            return Self::zeros();
        };
        let sweep = BackgroundSweep::start(root.clone(), options.sweep.clone());
        let running = Running {
            sweep,
            root,
            next_roots: roots.collect(),
            counts: SweepCounts::default(),
            options,
            reports,
            _claims: claims,
        };
        Self::with_task(Some(running), None)
    }

    /// `sweep` with `busy` named in its report; a sweep already over (no
    /// root left to sweep) gets its report at once.
    fn with_report(mut sweep: Gd<McpUvCacheSweep>, busy: Vec<PathBuf>) -> Gd<McpUvCacheSweep> {
        {
            let mut this = sweep.bind_mut();
            if this.task.is_none() {
                this.report = Some(full_report(Vec::new(), &busy));
            }
            this.busy = busy;
        }
        sweep
    }

    /// A sweep that is over before it began, with all-zero counts (nothing to
    /// sweep, or the call was refused). It still emits `finished`.
    pub(crate) fn zeros() -> Gd<McpUvCacheSweep> {
        Self::with_task(None, Some(counts_to_dictionary(&SweepCounts::default())))
    }

    fn with_task(task: Option<Running>, result: Option<VarDictionary>) -> Gd<McpUvCacheSweep> {
        let sweep = Gd::from_init_fn(|base| McpUvCacheSweep {
            base,
            task,
            result,
            report: None,
            busy: Vec::new(),
            emitted: false,
        });
        poll_next_frame(sweep.clone());
        sweep
    }

    /// Tells the Output about a finished worker's outcome and starts the
    /// next directory's sweep; after the last, moves the summed counts into
    /// `result`. Called on the main thread only.
    fn observe(&mut self) {
        if self.result.is_some() {
            return;
        }
        let Some(running) = self.task.as_mut() else {
            return;
        };
        let Some(outcome) = running.sweep.take_outcome() else {
            return;
        };
        if running.reports.is_none() {
            tell(&running.root, &outcome, &running.options);
        }
        running.counts += outcome.counts();
        if let Some(reports) = running.reports.as_mut() {
            reports.push((running.root.clone(), outcome.into_report()));
        }
        if running.next_roots.is_empty() {
            self.result = Some(counts_to_dictionary(&running.counts));
            if let Some(reports) = running.reports.take() {
                self.report = Some(full_report(reports, &self.busy));
            }
            self.task = None;
        } else {
            running.root = running.next_roots.remove(0);
            running.sweep = BackgroundSweep::start(running.root.clone(), running.options.sweep.clone());
        }
    }

    /// If the sweep is over and `finished` not yet emitted, marks it emitted
    /// and returns the result to emit.
    fn take_result_to_emit(&mut self) -> Option<VarDictionary> {
        self.observe();
        if self.emitted {
            return None;
        }
        let result = self.result.clone()?;
        self.emitted = true;
        Some(result)
    }
}

/// The Dictionary of `get_report`: the reports summed, one per root, and the
/// busy roots.
fn full_report(reports: Vec<(PathBuf, SweepReport)>, busy: &[PathBuf]) -> VarDictionary {
    let roots: Array<VarDictionary> = reports
        .iter()
        .map(|(root, report)| {
            let mut dict = report_to_dictionary(report);
            dict.set("builds_root", &GString::from(&root_text(Some(root))));
            dict
        })
        .collect();
    let mut dict = report_to_dictionary(&SweepReport::combined(reports.into_iter().map(|(_, report)| report)));
    dict.set("roots", &roots);
    let busy: PackedStringArray = busy.iter().map(|root| GString::from(&root_text(Some(root)))).collect();
    dict.set("busy", &busy);
    dict
}

/// Polls `sweep` on the next frame: emits `finished` if it is over, or arms
/// the poll again. Does nothing without a `SceneTree`.
///
/// The connection is the sweep's own method with the sweep bound as an
/// argument: the bound Variant keeps the sweep alive until the one-shot
/// connection fires (or the tree is freed), and an object-method callable,
/// unlike a Rust closure, stays valid across an extension reload, so gdext
/// need not track it (in the editor it tracks every Rust closure connected to
/// a signal until the extension unloads, and warns then).
fn poll_next_frame(sweep: Gd<McpUvCacheSweep>) {
    let Some(mut tree) = Engine::singleton()
        .get_main_loop()
        .and_then(|main_loop| main_loop.try_cast::<SceneTree>().ok())
    else {
        return;
    };
    let keep_alive = varray![&sweep];
    let poll = Callable::from_object_method(&sweep, POLL_METHOD).bindv(&keep_alive);
    tree.connect_flags("process_frame", &poll, ConnectFlags::ONE_SHOT);
}

/// The name of [`McpUvCacheSweep::poll_frame`] as Godot knows it.
const POLL_METHOD: &str = "_poll_frame";

/// Ends a sweep whose poll failed: zeros as its result and, unless already
/// done, `finished(zeros)`.
fn give_up(mut sweep: Gd<McpUvCacheSweep>) {
    let zeros = counts_to_dictionary(&SweepCounts::default());
    let to_emit = {
        let mut this = sweep.bind_mut();
        this.result.get_or_insert_with(|| zeros.clone());
        !std::mem::replace(&mut this.emitted, true)
    };
    if to_emit {
        sweep.signals().finished().emit(&zeros);
    }
}

fn poll_once(mut sweep: Gd<McpUvCacheSweep>) {
    // The borrow ends before emitting: handlers may call back into the sweep.
    let to_emit = sweep.bind_mut().take_result_to_emit();
    match to_emit {
        Some(result) => sweep.signals().finished().emit(&result),
        None if !sweep.bind().emitted => poll_next_frame(sweep),
        None => {}
    }
}
