//! The drop-in contract of `purge_directory`, on a real filesystem, for every
//! removal backend.

mod common;

use std::fs;

use common::*;
use mcp_uv_cache_cleanup::sweep;

#[test]
fn sweeps_build_dirs_and_old_dead_dirs_and_nothing_else() {
    for backend in backends() {
        let scratch = Scratch::new("contract");
        let root = scratch.dir("builds-v0");
        build_venv(&root.join(".tmpAbC123"));
        fs::create_dir(root.join(".tmpEmpty")).unwrap();
        build_venv(&root.join("_dead_.tmpLeftover"));
        write(root.join(".tmpfile"), "a file named like a build dir");
        write(root.join("archive-v0/abc/pkg/__init__.py"), "kept");
        write(root.join("other/.tmpInside/x"), "not at top level: kept");

        let result = sweep_counts(&root, backend);

        assert_eq!(result, counts(2, 2, 3, 0), "{backend:?}");
        assert_eq!(names_in(&root), [".tmpfile", "archive-v0", "other"], "{backend:?}");
        assert_eq!(
            fs::read_to_string(root.join("archive-v0/abc/pkg/__init__.py")).unwrap(),
            "kept"
        );
        assert!(root.join("other/.tmpInside/x").is_file());
    }
}

#[test]
fn a_clean_cache_reports_zeros() {
    for backend in backends() {
        let scratch = Scratch::new("clean");
        let root = scratch.dir("builds-v0");
        write(root.join("archive-v0/x"), "");
        assert_eq!(sweep_counts(&root, backend), counts(0, 0, 0, 0));
        assert_eq!(sweep_counts(&root, backend), counts(0, 0, 0, 0));
    }
}

#[test]
fn prefixes_are_case_sensitive_and_must_lead() {
    for backend in backends() {
        let scratch = Scratch::new("prefix");
        let root = scratch.dir("builds-v0");
        for kept in [".TMPupper", "x.tmp", "dead_.tmp", "_DEAD_.tmp"] {
            write(root.join(kept).join("f"), "");
        }
        build_venv(&root.join(".tmp"));
        assert_eq!(sweep_counts(&root, backend), counts(1, 1, 1, 0));
        assert_eq!(names_in(&root), [".TMPupper", "_DEAD_.tmp", "dead_.tmp", "x.tmp"]);
    }
}

#[test]
fn an_existing_dead_name_is_never_replaced() {
    for backend in backends() {
        let scratch = Scratch::new("clobber");
        let root = scratch.dir("builds-v0");
        build_venv(&root.join(".tmpA"));
        // POSIX rename(2) would silently replace this empty directory.
        fs::create_dir(root.join("_dead_.tmpA")).unwrap();
        // And this one is a file, which no sweep removes.
        build_venv(&root.join(".tmpB"));
        write(root.join("_dead_.tmpB"), "a file that happens to have the name");

        let result = sweep_counts(&root, backend);

        // Both old and new `_dead_.tmpA` dirs were removed: nothing replaced.
        assert_eq!(result, counts(2, 2, 3, 0), "{backend:?}");
        assert_eq!(names_in(&root), ["_dead_.tmpB"]);
        assert_eq!(
            fs::read_to_string(root.join("_dead_.tmpB")).unwrap(),
            "a file that happens to have the name"
        );
    }
}

#[test]
fn report_counts_files_and_bytes() {
    for backend in backends() {
        let scratch = Scratch::new("report");
        let root = scratch.dir("builds-v0");
        write(root.join(".tmpA/a.py"), "12345");
        write(root.join(".tmpA/sub/b.pyd"), "1234567890");
        write(root.join("_dead_.tmpB/c"), "123");
        let options = mcp_uv_cache_cleanup::SweepOptions {
            measure_bytes: true,
            ..options_for(backend)
        };
        let report = sweep(&root, &options).unwrap();
        assert_eq!(report.counts, counts(1, 1, 2, 0));
        assert_eq!(report.removal.files_removed, 3, "{backend:?}");
        assert_eq!(report.removal.bytes_freed, 18, "{backend:?}");
        assert_eq!(report.errors.total(), 0);
    }
}

#[test]
fn threads_share_the_work_with_exact_counts() {
    for backend in backends() {
        let scratch = Scratch::new("threads");
        let root = scratch.dir("builds-v0");
        for i in 0..12 {
            build_venv(&root.join(format!(".tmp{i:02}")));
            build_venv(&root.join(format!("_dead_.tmpOld{i:02}")));
        }
        let options = mcp_uv_cache_cleanup::SweepOptions {
            threads: std::num::NonZeroUsize::new(4).unwrap(),
            measure_bytes: true,
            ..options_for(backend)
        };
        let report = sweep(&root, &options).unwrap();
        assert_eq!(report.counts, counts(12, 12, 24, 0), "{backend:?}");
        assert_eq!(report.removal.files_removed, 24 * 5);
        assert!(names_in(&root).is_empty());
    }
}
