//! The worker-thread sweep, and sweeps of one cache racing each other.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

use std::fs;
use std::path::Path;
use std::thread;
use std::time::Duration;

use common::*;
use fixture::{build_cache, FixtureSpec};
use mcp_uv_cache_cleanup::background::{BackgroundSweep, SweepOutcome};
use mcp_uv_cache_cleanup::{sweep, SweepCounts, SweepOptions};

const SMALL: FixtureSpec = FixtureSpec {
    venvs: 6,
    files_per_venv: 300,
    dead_dirs: 2,
    seed: 21,
};

const SIBLINGS: [&str; 3] = [".tmp-not-a-dir", "archive-v0", "wheels-v5"];

fn swept_counts(outcome: &SweepOutcome) -> SweepCounts {
    match outcome {
        SweepOutcome::Swept(report) => report.counts,
        other => panic!("expected a sweep, got {other:?}"),
    }
}

#[test]
fn a_background_sweep_returns_at_once_and_finishes_with_the_same_counts() {
    let scratch = Scratch::new("background");
    let root = scratch.path().join("builds-v0");
    build_cache(&root, &SMALL);

    let mut task = BackgroundSweep::start(root.clone(), SweepOptions::default());
    while task.poll().is_none() {
        thread::sleep(Duration::from_millis(5));
    }

    assert_eq!(swept_counts(task.poll().unwrap()), counts(6, 6, 8, 0));
    assert_eq!(names_in(&root), SIBLINGS);
}

#[test]
fn a_background_sweep_of_a_bad_root_is_refused_not_panicked() {
    let mut task = BackgroundSweep::start(Path::new("").into(), SweepOptions::default());
    assert!(matches!(task.wait(), SweepOutcome::Refused(_)));
}

#[test]
fn dropping_a_running_sweep_stops_and_joins_it_leaving_a_consistent_cache() {
    let scratch = Scratch::new("background-drop");
    let root = scratch.path().join("builds-v0");
    build_cache(
        &root,
        &FixtureSpec {
            venvs: 20,
            files_per_venv: 1_000,
            ..SMALL
        },
    );

    let task = BackgroundSweep::start(root.clone(), SweepOptions::default());
    thread::sleep(Duration::from_millis(20));
    drop(task);

    // Dropping joined the worker: nothing changes in the cache any more. A
    // worker left running would still be deleting 22,000 files.
    let entries_now = walkdir::WalkDir::new(&root).into_iter().count();
    thread::sleep(Duration::from_millis(300));
    assert_eq!(walkdir::WalkDir::new(&root).into_iter().count(), entries_now);

    // Whatever the stopped sweep did, the next one finishes the job and
    // nothing else was touched.
    let after = sweep(&root, &SweepOptions::default()).unwrap();
    assert_eq!(after.counts.remaining, 0);
    assert_eq!(names_in(&root), SIBLINGS);
}

#[test]
fn concurrent_sweeps_of_one_cache_split_the_work_and_touch_nothing_else() {
    for backend in backends() {
        let scratch = Scratch::new("concurrent");
        let outside = scratch.dir("outside");
        write(outside.join("canary.txt"), "alive");
        let root = scratch.path().join("builds-v0");
        build_cache(
            &root,
            &FixtureSpec {
                venvs: 12,
                files_per_venv: 400,
                dead_dirs: 4,
                seed: 5,
            },
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, root.join(".tmp000link")).unwrap();

        let options = options_for(backend);
        let results: Vec<_> = thread::scope(|scope| {
            let sweeps: Vec<_> = (0..3).map(|_| scope.spawn(|| sweep(&root, &options))).collect();
            sweeps.into_iter().map(|s| s.join().unwrap()).collect()
        });

        let mut renamed = 0;
        for result in results {
            let report = result.expect("every racing sweep finishes");
            if cfg!(windows) {
                // On Windows one sweep can briefly block another (a directory
                // open for listing, a file pending deletion). Such a failure
                // may be reported, but never about something that stays.
                for err in report.errors.kept() {
                    let path = err.path().expect("entry errors carry their path");
                    assert!(fs::symlink_metadata(path).is_err(), "{backend:?}: {err} but it stayed");
                }
            } else {
                assert_eq!(report.errors.total(), 0, "{backend:?}: {:?}", report.errors.kept());
            }
            renamed += report.counts.renamed;
        }
        if cfg!(windows) {
            // Windows renames through an open handle: a sweep that opened a
            // build dir just before another renamed it moves it once more,
            // from one _dead_ name to another. Still only _dead_ names.
            assert!((12..=36).contains(&renamed), "{backend:?}: {renamed}");
        } else {
            // rename(2) is atomic by path: each build dir is renamed by
            // exactly one of the sweeps.
            assert_eq!(renamed, 12, "{backend:?}");
        }
        let mut expected: Vec<&str> = SIBLINGS.to_vec();
        if cfg!(unix) {
            expected.insert(1, ".tmp000link");
        }
        assert_eq!(names_in(&root), expected, "{backend:?}");
        assert_eq!(fs::read_to_string(outside.join("canary.txt")).unwrap(), "alive");
    }
}

#[test]
fn a_sync_sweep_racing_a_background_one_both_finish() {
    let scratch = Scratch::new("sync-vs-async");
    let root = scratch.path().join("builds-v0");
    build_cache(&root, &SMALL);

    let mut task = BackgroundSweep::start(root.clone(), SweepOptions::default());
    let sync = sweep(&root, &SweepOptions::default()).unwrap();
    let background = swept_counts(task.wait());

    let renamed = sync.counts.renamed + background.renamed;
    if cfg!(windows) {
        // See the concurrent test: a handle rename may move a dir twice.
        assert!((6..=12).contains(&renamed), "{renamed}");
    } else {
        assert_eq!(renamed, 6);
    }
    assert_eq!(names_in(&root), SIBLINGS);
}
