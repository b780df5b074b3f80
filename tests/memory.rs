//! The sweep's memory grows with the depth of the trees it removes, not with
//! their size: ten times the files, the same peak heap.

mod common;
#[path = "common/fixture.rs"]
mod fixture;
#[path = "common/heap.rs"]
mod heap;

use common::*;
use fixture::{build_cache, FixtureSpec};
use heap::{peak_heap_during, CountingAllocator};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn peak_for(files_per_venv: usize, backend: mcp_uv_cache_cleanup::remove::Backend) -> (usize, u64) {
    let scratch = Scratch::new("memory");
    let root = scratch.path().join("builds-v0");
    let spec = FixtureSpec {
        venvs: 3,
        files_per_venv,
        dead_dirs: 1,
        seed: 3,
    };
    let stats = build_cache(&root, &spec);
    let options = mcp_uv_cache_cleanup::SweepOptions {
        measure_bytes: true,
        ..options_for(backend)
    };
    let (report, peak) = peak_heap_during(|| mcp_uv_cache_cleanup::sweep(&root, &options).unwrap());
    assert_eq!(report.removal.files_removed, stats.files);
    (peak, stats.files)
}

#[test]
fn peak_heap_does_not_grow_with_tree_size() {
    for backend in backends() {
        let (small_peak, small_files) = peak_for(400, backend);
        let (large_peak, large_files) = peak_for(4_000, backend);
        eprintln!(
            "{backend:?}: {small_files} files -> {small_peak} B peak heap; {large_files} files -> {large_peak} B peak heap"
        );
        assert_eq!(large_files, 10 * small_files);
        // Same order of magnitude, with room for allocator noise; memory that
        // grew with the tree would be ten times larger.
        assert!(
            large_peak <= small_peak * 2 + 16 * 1024,
            "{backend:?}: peak heap grew from {small_peak} B to {large_peak} B for 10x the files"
        );
    }
}
