//! The sweep on a realistic generated cache: exact counts, every file and
//! byte accounted for, siblings untouched, on one thread and on several.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

use std::num::NonZeroUsize;

use common::*;
use fixture::{build_cache, FixtureSpec};
use mcp_uv_cache_cleanup::{sweep, SweepCounts, SweepOptions};

#[test]
fn a_generated_cache_is_swept_completely_and_exactly() {
    let spec = FixtureSpec {
        venvs: 4,
        files_per_venv: 400,
        dead_dirs: 2,
        seed: 7,
    };
    assert_swept_exactly(&spec, &[1, 3], counts(4, 4, 6, 0));
}

#[test]
fn a_single_large_build_dir_is_split_among_threads_with_exact_counts() {
    let spec = FixtureSpec {
        venvs: 1,
        files_per_venv: 2_000,
        dead_dirs: 0,
        seed: 13,
    };
    assert_swept_exactly(&spec, &[1, 2, 4], counts(1, 1, 1, 0));
}

/// For every backend and each thread count: a fresh cache of `spec` is swept
/// with `expected` counts, every file and byte accounted for, no error, and
/// only the siblings left.
fn assert_swept_exactly(spec: &FixtureSpec, thread_counts: &[usize], expected: SweepCounts) {
    for backend in backends() {
        for &threads in thread_counts {
            let scratch = Scratch::new("fixture");
            let root = scratch.path().join("builds-v0");
            let stats = build_cache(&root, spec);
            assert_eq!(
                stats.files,
                ((spec.venvs + spec.dead_dirs) * spec.files_per_venv) as u64
            );

            let options = SweepOptions {
                measure_bytes: true,
                threads: NonZeroUsize::new(threads).unwrap(),
                ..options_for(backend)
            };
            let report = sweep(&root, &options).unwrap();

            let case = format!("{backend:?} x{threads}");
            assert_eq!(report.counts, expected, "{case}");
            assert_eq!(report.removal.files_removed, stats.files, "{case}");
            assert_eq!(report.removal.bytes_freed, stats.bytes, "{case}");
            assert_eq!(report.errors.total(), 0, "{case}: {:?}", report.errors.kept());
            assert_eq!(names_in(&root), [".tmp-not-a-dir", "archive-v0", "wheels-v5"], "{case}");
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
