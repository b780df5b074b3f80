//! The sweep on a realistic generated cache: exact counts, every file and
//! byte accounted for, siblings untouched, on one thread and on several.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

use std::num::NonZeroUsize;

use common::*;
use fixture::{build_cache, FixtureSpec};
use mcp_uv_cache_cleanup::{sweep, SweepOptions};

#[test]
fn a_generated_cache_is_swept_completely_and_exactly() {
    let spec = FixtureSpec {
        venvs: 4,
        files_per_venv: 400,
        dead_dirs: 2,
        seed: 7,
    };
    for backend in backends() {
        for threads in [1, 3] {
            let scratch = Scratch::new("fixture");
            let root = scratch.path().join("builds-v0");
            let stats = build_cache(&root, &spec);
            assert_eq!(stats.files, 6 * 400);

            let options = SweepOptions {
                measure_bytes: true,
                threads: NonZeroUsize::new(threads).unwrap(),
                ..options_for(backend)
            };
            let report = sweep(&root, &options).unwrap();

            assert_eq!(report.counts, counts(4, 4, 6, 0), "{backend:?} x{threads}");
            assert_eq!(report.removal.files_removed, stats.files);
            assert_eq!(report.removal.bytes_freed, stats.bytes);
            assert_eq!(report.errors.total(), 0, "{:?}", report.errors.kept());
            assert_eq!(names_in(&root), [".tmp-not-a-dir", "archive-v0", "wheels-v5"]);
        }
    }
}

#[test]
fn a_single_large_build_dir_is_split_among_threads_with_exact_counts() {
    let spec = FixtureSpec {
        venvs: 1,
        files_per_venv: 2_000,
        dead_dirs: 0,
        seed: 13,
    };
    for backend in backends() {
        for threads in [1, 2, 4] {
            let scratch = Scratch::new("fixture-split");
            let root = scratch.path().join("builds-v0");
            let stats = build_cache(&root, &spec);

            let options = SweepOptions {
                measure_bytes: true,
                threads: NonZeroUsize::new(threads).unwrap(),
                ..options_for(backend)
            };
            let report = sweep(&root, &options).unwrap();

            assert_eq!(report.counts, counts(1, 1, 1, 0), "{backend:?} x{threads}");
            assert_eq!(report.removal.files_removed, stats.files, "{backend:?} x{threads}");
            assert_eq!(report.removal.bytes_freed, stats.bytes, "{backend:?} x{threads}");
            assert_eq!(report.errors.total(), 0, "{:?}", report.errors.kept());
            assert_eq!(names_in(&root), [".tmp-not-a-dir", "archive-v0", "wheels-v5"]);
        }
    }
}

#[test]
fn the_same_spec_builds_the_same_cache() {
    let spec = FixtureSpec {
        venvs: 2,
        files_per_venv: 120,
        dead_dirs: 1,
        seed: 11,
    };
    let (a, b) = (Scratch::new("fixture-a"), Scratch::new("fixture-b"));
    assert_eq!(build_cache(a.path(), &spec), build_cache(b.path(), &spec));
    assert_eq!(names_in(a.path()), names_in(b.path()));
}
