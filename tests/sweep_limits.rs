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
    // Under Wine, 300 levels: 600 characters, past Windows' MAX_PATH, which
    // is what Wine adds to this test (the stack depth is the same test
    // thread's everywhere, and runs natively here and on a Windows host); a
    // path Wine parses anew at each of 1,500 levels took 170 of its 171 s.
    const LEVELS: usize = if cfg!(under_wine) { 300 } else { 1_500 };
    let mut deepest = root.join(".tmpDeep");
    for _ in 0..LEVELS {
        deepest.push("d");
    }
    std::fs::create_dir_all(&deepest).unwrap();
    write(deepest.join("bottom.txt"), "x");

    assert_eq!(sweep_counts(&root, Backend::Paths), counts(1, 1, 1, 0));
    assert!(names_in(&root).is_empty());
}

/// A dry run of a tree deeper than the handles the walk keeps open: climbing
/// back to a level whose handle was closed, the walk reopens it and must
/// resume its listing where it left it (nothing was removed, so reading from
/// the start would count entries twice, and skipping would miss some). Each
/// level has files and a leaf directory beside the branch that goes on, in
/// whatever order the filesystem lists them.
#[test]
fn a_dry_run_of_a_deep_wide_tree_counts_every_file_once() {
    const LEVELS: usize = 80;
    for backend in backends() {
        let scratch = Scratch::new("deep-dry-run");
        let root = scratch.dir("builds-v0");
        let mut level = root.join(".tmpWide");
        for index in 0..LEVELS {
            for file in ["a.py", "m.py", "z.py"] {
                write(level.join(file), "x");
            }
            write(level.join("leaf").join(format!("l{index}.txt")), "x");
            level.push("next");
        }
        std::fs::create_dir_all(&level).unwrap();
        let options = mcp_uv_cache_cleanup::SweepOptions {
            dry_run: true,
            ..options_for(backend)
        };

        // A walk that resumes at the wrong place can go round for ever: on
        // a thread, with a deadline, so that it fails instead of hanging.
        let (done, finished) = std::sync::mpsc::channel();
        let walked_root = root.clone();
        // After a timeout nobody receives; the send's error then means nothing.
        std::thread::spawn(move || {
            let _ = done.send(mcp_uv_cache_cleanup::sweep(&walked_root, &options));
        });
        let report = finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{backend:?}: the dry run did not finish within 60 s"))
            .unwrap();

        assert_eq!(report.removal.files_removed, (LEVELS * 4) as u64, "{backend:?}");
        assert!(
            report.errors.kept().is_empty(),
            "{backend:?}: {:?}",
            report.errors.kept()
        );
        assert_eq!(names_in(&root), [".tmpWide"], "{backend:?}: a dry run changes nothing");
    }
}
