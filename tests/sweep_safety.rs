//! What the sweep must never do: follow a link out of the swept directory,
//! stop at a locked file for good, or touch a build that is still running.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::*;
#[cfg(target_os = "linux")]
use mcp_uv_cache_cleanup::Operation;
use mcp_uv_cache_cleanup::{sweep, SweepError, SweepOptions};

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// An outside directory holding a canary file the sweep must never touch.
#[cfg(unix)]
fn canary(scratch: &Scratch) -> std::path::PathBuf {
    let outside = scratch.dir("outside");
    write(outside.join("canary.txt"), "alive");
    write(outside.join("sub/deeper.txt"), "alive");
    outside
}

#[cfg(unix)]
fn assert_canary_alive(outside: &Path) {
    assert_eq!(fs::read_to_string(outside.join("canary.txt")).unwrap(), "alive");
    assert_eq!(fs::read_to_string(outside.join("sub/deeper.txt")).unwrap(), "alive");
}

#[cfg(unix)]
#[test]
fn links_inside_a_build_dir_are_removed_as_links() {
    for backend in backends() {
        let scratch = Scratch::new("links-inside");
        let outside = canary(&scratch);
        let root = scratch.dir("builds-v0");
        build_venv(&root.join(".tmpA"));
        link(&outside, &root.join(".tmpA/Lib/dir_link"));
        link(&outside.join("canary.txt"), &root.join(".tmpA/file_link"));
        link(Path::new("/nonexistent/dangling"), &root.join(".tmpA/dangling"));
        fs::create_dir_all(root.join("_dead_.tmpOld")).unwrap();
        link(&outside, &root.join("_dead_.tmpOld/escape"));

        assert_eq!(sweep_counts(&root, backend), counts(1, 1, 2, 0), "{backend:?}");
        assert_canary_alive(&outside);
        assert!(names_in(&root).is_empty());
    }
}

#[cfg(unix)]
#[test]
fn build_and_dead_names_that_are_links_are_not_directories() {
    for backend in backends() {
        let scratch = Scratch::new("links-top");
        let outside = canary(&scratch);
        let root = scratch.dir("builds-v0");
        link(&outside, &root.join(".tmpLink"));
        link(&outside, &root.join("_dead_.tmpLink"));
        build_venv(&root.join(".tmpReal"));

        assert_eq!(sweep_counts(&root, backend), counts(1, 1, 1, 0), "{backend:?}");
        assert_canary_alive(&outside);
        assert_eq!(names_in(&root), [".tmpLink", "_dead_.tmpLink"]);
        assert!(fs::symlink_metadata(root.join(".tmpLink"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(fs::symlink_metadata(root.join("_dead_.tmpLink"))
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_locked_file_leaves_the_dir_for_the_next_sweep() {
    for backend in backends() {
        let scratch = Scratch::new("locked");
        let root = scratch.dir("builds-v0");
        build_venv(&root.join(".tmpLocked"));
        build_venv(&root.join(".tmpFree"));
        let pyd = root.join(".tmpLocked/Lib/site-packages/pydantic_core/_pydantic_core.cp313-win_amd64.pyd");
        let mut lock = Immutable::set(&pyd);

        // Four threads: the two build dirs are split into subtrees, and the
        // locked file must still be reported once, not once per pass.
        let options = SweepOptions {
            threads: std::num::NonZeroUsize::new(4).unwrap(),
            ..options_for(backend)
        };
        let first = sweep(&root, &options).unwrap();
        assert_eq!(first.counts, counts(2, 2, 1, 1), "{backend:?}");
        let dead_pyd = root.join("_dead_.tmpLocked/Lib/site-packages/pydantic_core/_pydantic_core.cp313-win_amd64.pyd");
        assert!(
            dead_pyd.is_file(),
            "the locked file is still there, under the dead name"
        );
        lock.moved_to(&dead_pyd);
        // One error, about the locked file: not one per parent directory.
        assert_eq!(first.errors.total(), 1, "{:?}", first.errors.kept());
        match first.errors.first().unwrap() {
            SweepError::Io {
                operation,
                path,
                source,
            } => {
                assert_eq!(*operation, Operation::RemoveFile);
                assert_eq!(path, &dead_pyd);
                assert_eq!(source.kind(), std::io::ErrorKind::PermissionDenied);
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert!(first
            .errors
            .first()
            .unwrap()
            .to_string()
            .starts_with(&dead_pyd.display().to_string()));

        // Still locked: retried, still there, not renamed again.
        assert_eq!(sweep_counts(&root, backend), counts(0, 0, 0, 1));

        drop(lock);
        assert_eq!(sweep_counts(&root, backend), counts(0, 0, 1, 0), "{backend:?}");
        assert!(names_in(&root).is_empty());
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_occupied_dead_dir_is_never_merged_into() {
    for backend in backends() {
        let scratch = Scratch::new("no-merge");
        let root = scratch.dir("builds-v0");
        write(root.join("_dead_.tmpA/locked.pyd"), "old");
        let _lock = Immutable::set(&root.join("_dead_.tmpA/locked.pyd"));
        build_venv(&root.join(".tmpA"));

        let result = sweep_counts(&root, backend);

        assert_eq!(result, counts(1, 1, 1, 1), "{backend:?}");
        assert_eq!(names_in(&root), ["_dead_.tmpA"]);
        assert_eq!(names_in(&root.join("_dead_.tmpA")), ["locked.pyd"]);
    }
}

fn set_mtime(path: &Path, when: SystemTime) {
    open_for_times(path).set_modified(when).unwrap();
}

#[cfg(not(windows))]
fn open_for_times(path: &Path) -> fs::File {
    fs::File::open(path).unwrap()
}

/// Windows opens a directory only with `FILE_FLAG_BACKUP_SEMANTICS`, and
/// setting times needs `FILE_WRITE_ATTRIBUTES`.
#[cfg(windows)]
fn open_for_times(path: &Path) -> fs::File {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_WRITE_ATTRIBUTES: u32 = 0x100;
    const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
    fs::OpenOptions::new()
        .access_mode(FILE_WRITE_ATTRIBUTES)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)
        .unwrap()
}

#[test]
fn min_age_spares_builds_that_may_still_be_running() {
    for backend in backends() {
        let scratch = Scratch::new("min-age");
        let root = scratch.dir("builds-v0");
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        // Old dir, old contents: stale.
        write(root.join(".tmpOld/f"), "");
        set_mtime(&root.join(".tmpOld/f"), hour_ago);
        set_mtime(&root.join(".tmpOld"), hour_ago);
        // Old dir, but a direct child written just now: running.
        write(root.join(".tmpBusy/f"), "");
        set_mtime(&root.join(".tmpBusy"), hour_ago);
        // Fresh dir: running.
        fs::create_dir(root.join(".tmpFresh")).unwrap();

        let options = SweepOptions {
            min_age: Duration::from_secs(30),
            ..options_for(backend)
        };
        let report = sweep(&root, &options).unwrap();

        assert_eq!(report.counts, counts(1, 1, 1, 0), "{backend:?}");
        assert_eq!(names_in(&root), [".tmpBusy", ".tmpFresh"]);
    }
}

#[test]
fn dry_run_counts_everything_and_changes_nothing() {
    for backend in backends() {
        let scratch = Scratch::new("dry-run");
        let root = scratch.dir("builds-v0");
        build_venv(&root.join(".tmpA"));
        build_venv(&root.join("_dead_.tmpOld"));
        let before = snapshot(&root);

        let options = SweepOptions {
            dry_run: true,
            measure_bytes: true,
            ..options_for(backend)
        };
        let report = sweep(&root, &options).unwrap();

        assert_eq!(report.counts, counts(1, 1, 2, 1), "{backend:?}");
        assert_eq!(report.removal.files_removed, 10);
        assert!(report.removal.bytes_freed > 0);
        assert_eq!(snapshot(&root), before, "{backend:?}");
    }
}

/// Every path below `root` with its size, sorted.
fn snapshot(root: &Path) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|entry| {
            let entry = entry.unwrap();
            (entry.path().display().to_string(), entry.metadata().unwrap().len())
        })
        .collect();
    all.sort();
    all
}

#[test]
fn roots_that_cannot_be_swept_are_refused_with_their_reason() {
    let scratch = Scratch::new("bad-roots");
    assert!(matches!(
        sweep(Path::new(""), &SweepOptions::default()),
        Err(SweepError::EmptyPath)
    ));
    let missing = scratch.path().join("missing");
    assert!(
        matches!(sweep(&missing, &SweepOptions::default()), Err(SweepError::RootNotFound { path }) if path == missing)
    );
    let file = scratch.path().join("a-file");
    write(&file, "");
    assert!(
        matches!(sweep(&file, &SweepOptions::default()), Err(SweepError::RootNotADirectory { path }) if path == file)
    );
    assert!(file.is_file());
}

#[cfg(unix)]
#[test]
fn a_root_that_is_a_link_is_swept_where_it_points() {
    // The user chose the root; following it is not leaving it.
    let scratch = Scratch::new("root-link");
    let real = scratch.dir("real-builds");
    build_venv(&real.join(".tmpA"));
    let linked = scratch.path().join("builds-v0");
    link(&real, &linked);
    assert_eq!(sweep_counts(&linked, Default::default()), counts(1, 1, 1, 0));
    assert!(names_in(&real).is_empty());
}

#[cfg(unix)]
#[test]
fn names_that_are_not_unicode_are_swept_like_any_other() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    for backend in backends() {
        let scratch = Scratch::new("non-utf8");
        let root = scratch.dir("builds-v0");
        let tmp = root.join(OsStr::from_bytes(b".tmp\xff\xfe"));
        write(tmp.join(OsStr::from_bytes(b"\xc3\x28 not utf-8")), "x");
        let dead = root.join(OsStr::from_bytes(b"_dead_\x80"));
        write(dead.join(OsStr::from_bytes(b"\xff")), "x");
        write(root.join(OsStr::from_bytes(b"keep\xff")), "x");

        assert_eq!(sweep_counts(&root, backend), counts(1, 1, 2, 0), "{backend:?}");
        assert_eq!(fs::read_dir(&root).unwrap().count(), 1);
    }
}
