//! Trees at the limits: far deeper than any path can name.

mod common;

use common::*;

/// Builds a chain of `depth` nested one-letter directories below `top`, with a
/// file at the bottom, by handle: past ~2,000 levels the path is longer than
/// Linux's PATH_MAX and could not be created by name.
#[cfg(unix)]
fn nest_by_handle(top: &std::path::Path, depth: usize) {
    use rustix::fs::{mkdirat, openat, Mode, OFlags, CWD};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut current = openat(CWD, top, flags, Mode::empty()).unwrap();
    for _ in 0..depth {
        mkdirat(&current, "d", Mode::from_raw_mode(0o755)).unwrap();
        current = openat(&current, "d", flags, Mode::empty()).unwrap();
    }
    let file = openat(
        &current,
        "bottom.txt",
        OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    )
    .unwrap();
    drop(file);
}

#[cfg(unix)]
#[test]
fn a_tree_ten_thousand_levels_deep_is_removed() {
    use mcp_uv_cache_cleanup::remove::Backend;
    let scratch = Scratch::new("deep");
    let root = scratch.dir("builds-v0");
    let tmp = root.join(".tmpDeep");
    std::fs::create_dir(&tmp).unwrap();
    nest_by_handle(&tmp, 10_000);

    let report = mcp_uv_cache_cleanup::sweep(&root, &options_for(Backend::Handles)).unwrap();

    assert_eq!(report.counts, counts(1, 1, 1, 0), "{:?}", report.errors.kept());
    assert!(names_in(&root).is_empty());
}

#[test]
fn the_path_backend_removes_deep_trees_within_path_limits() {
    use mcp_uv_cache_cleanup::remove::Backend;
    let scratch = Scratch::new("deep-paths");
    let root = scratch.dir("builds-v0");
    // 1,500 levels: a 3,000-character path, deep enough that a recursive
    // walk with a small stack would fail, short enough for Linux's PATH_MAX.
    let mut deepest = root.join(".tmpDeep");
    for _ in 0..1_500 {
        deepest.push("d");
    }
    std::fs::create_dir_all(&deepest).unwrap();
    write(deepest.join("bottom.txt"), "x");

    assert_eq!(sweep_counts(&root, Backend::Paths), counts(1, 1, 1, 0));
    assert!(names_in(&root).is_empty());
}
