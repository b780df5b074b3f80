//! A sweep on a worker thread, so the editor's main thread never waits for
//! the disk.
//!
//! [`BackgroundSweep`] owns its thread. Dropping it before the sweep is done
//! asks the sweep to stop (it checks between two entries) and joins the
//! thread, so no thread outlives its owner; in particular none is left running
//! code from a library Godot is about to unload.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use crate::error::SweepError;
use crate::panic_guard::panic_message;
use crate::sweep::{sweep_cancellable, SweepCounts, SweepOptions, SweepReport};

/// How a background sweep ended.
#[derive(Debug)]
pub enum SweepOutcome {
    /// The sweep ran (possibly stopped early by a drop).
    Swept(SweepReport),
    /// The root could not be swept at all.
    Refused(SweepError),
    /// The sweep panicked; the message. Nothing reached Godot.
    Panicked(String),
}

impl SweepOutcome {
    /// The counts of the sweep; zeros when it was refused or panicked.
    pub fn counts(&self) -> SweepCounts {
        match self {
            SweepOutcome::Swept(report) => report.counts,
            SweepOutcome::Refused(_) | SweepOutcome::Panicked(_) => SweepCounts::default(),
        }
    }

    /// The outcome as a report: the sweep's own, or an empty one whose one
    /// error is the refusal (a panic was reported where it was caught).
    pub fn into_report(self) -> SweepReport {
        match self {
            SweepOutcome::Swept(report) => report,
            SweepOutcome::Refused(err) => {
                let mut report = SweepReport::empty();
                report.errors.push(err);
                report
            }
            SweepOutcome::Panicked(_) => SweepReport::empty(),
        }
    }
}

impl From<Result<SweepReport, SweepError>> for SweepOutcome {
    /// A sweep that ran, or the reason it could not.
    fn from(result: Result<SweepReport, SweepError>) -> SweepOutcome {
        match result {
            Ok(report) => SweepOutcome::Swept(report),
            Err(err) => SweepOutcome::Refused(err),
        }
    }
}

/// A sweep running on its own thread.
#[derive(Debug)]
pub struct BackgroundSweep {
    worker: Option<JoinHandle<Result<SweepReport, SweepError>>>,
    cancel: Arc<AtomicBool>,
    outcome: Option<SweepOutcome>,
}

impl BackgroundSweep {
    /// Starts sweeping `root` with `options` on a new thread and returns at
    /// once. If no thread can be started, the sweep runs on this one.
    pub fn start(root: PathBuf, options: SweepOptions) -> BackgroundSweep {
        let cancel = Arc::new(AtomicBool::new(false));
        let worker_cancel = Arc::clone(&cancel);
        let worker_root = root.clone();
        let worker_options = options.clone();
        let spawned = thread::Builder::new()
            .name("uv-cache-sweep".into())
            .spawn(move || sweep_cancellable(&worker_root, &worker_options, &worker_cancel));
        match spawned {
            Ok(worker) => BackgroundSweep {
                worker: Some(worker),
                cancel,
                outcome: None,
            },
            Err(_) => {
                let outcome = match crate::panic_guard::catch(|| sweep_cancellable(&root, &options, &cancel)) {
                    Ok(result) => SweepOutcome::from(result),
                    Err(message) => SweepOutcome::Panicked(message),
                };
                BackgroundSweep::finished(outcome)
            }
        }
    }

    /// A sweep that is already over (for a call refused before it started).
    pub fn finished(outcome: SweepOutcome) -> BackgroundSweep {
        BackgroundSweep {
            worker: None,
            cancel: Arc::new(AtomicBool::new(false)),
            outcome: Some(outcome),
        }
    }

    /// The outcome, once the sweep is over; `None` while it runs. Never
    /// blocks.
    pub fn poll(&mut self) -> Option<&SweepOutcome> {
        if self.outcome.is_none() && self.worker.as_ref().is_some_and(JoinHandle::is_finished) {
            let worker = self.worker.take().expect("checked above");
            self.outcome = Some(join_outcome(worker));
        }
        self.outcome.as_ref()
    }

    /// The outcome, once the sweep is over, moved out (later calls give
    /// `None`); `None` while it runs. Never blocks.
    pub fn take_outcome(&mut self) -> Option<SweepOutcome> {
        self.poll();
        self.outcome.take()
    }

    /// Waits for the sweep to end and returns its outcome.
    pub fn wait(&mut self) -> &SweepOutcome {
        if let Some(worker) = self.worker.take() {
            self.outcome = Some(join_outcome(worker));
        }
        self.outcome.as_ref().expect("a sweep without a worker has an outcome")
    }
}

impl Drop for BackgroundSweep {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            self.cancel.store(true, Ordering::Relaxed);
            // The sweep stops at its next entry; a panic there has nowhere
            // left to go and is dropped with the thread.
            let _ = worker.join();
        }
    }
}

/// Joins a finished (or finishing) worker; a panic becomes its message.
fn join_outcome(worker: JoinHandle<Result<SweepReport, SweepError>>) -> SweepOutcome {
    match worker.join() {
        Ok(result) => SweepOutcome::from(result),
        Err(payload) => SweepOutcome::Panicked(panic_message(payload.as_ref())),
    }
}
