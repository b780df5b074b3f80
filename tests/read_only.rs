//! Read-only files and directories are removed, and an unreadable root is
//! refused with its reason.
//!
//! Root ignores permission bits, so as root these tests pass whether or not the
//! sweep handles permissions. The test command therefore runs this file a
//! second time as an unprivileged user (see `tests/run.sh`), where each one
//! fails if the handling is broken. Each test states which run it is in.

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// True when permission bits bind this process (not root).
fn permissions_bind(scratch: &Scratch) -> bool {
    let probe = scratch.dir("probe");
    chmod(&probe, 0o555);
    let bound = fs::write(probe.join("x"), "").is_err();
    chmod(&probe, 0o755);
    eprintln!(
        "permission bits {} this run",
        if bound { "bind" } else { "do not bind (privileged)" }
    );
    bound
}

#[test]
fn read_only_files_and_directories_are_removed() {
    for backend in backends() {
        let scratch = Scratch::new("read-only");
        permissions_bind(&scratch);
        let root = scratch.dir("builds-v0");
        let venv = root.join(".tmpRO");
        build_venv(&venv);
        let package = venv.join("Lib/site-packages/pydantic_core");
        for entry in fs::read_dir(&package).unwrap() {
            chmod(&entry.unwrap().path(), 0o444);
        }
        chmod(&package, 0o555);
        chmod(&venv.join("Lib/site-packages"), 0o555);
        write(venv.join("locked_box/inside.txt"), "x");
        chmod(&venv.join("locked_box"), 0o000);
        chmod(&venv, 0o555);
        write(root.join("_dead_.tmpOld/file"), "x");
        chmod(&root.join("_dead_.tmpOld/file"), 0o400);
        chmod(&root.join("_dead_.tmpOld"), 0o500);
        // A dead dir nobody may even list: made listable (it is the sweep's own).
        write(root.join("_dead_.tmpSealed/inside/file"), "x");
        chmod(&root.join("_dead_.tmpSealed"), 0o000);

        let report = mcp_uv_cache_cleanup::sweep(&root, &options_for(backend)).unwrap();

        assert_eq!(
            report.counts,
            counts(1, 1, 3, 0),
            "{backend:?}: {:?}",
            report.errors.kept()
        );
        assert!(names_in(&root).is_empty());
    }
}

#[test]
fn the_swept_root_itself_is_never_made_writable() {
    let scratch = Scratch::new("ro-root");
    let bound = permissions_bind(&scratch);
    let root = scratch.dir("builds-v0");
    build_venv(&root.join(".tmpA"));
    chmod(&root, 0o555);

    let report = mcp_uv_cache_cleanup::sweep(&root, &Default::default()).unwrap();
    let mode = fs::metadata(&root).unwrap().permissions().mode() & 0o777;
    chmod(&root, 0o755);

    assert_eq!(mode, 0o555, "the root's mode was changed");
    if bound {
        // Renaming inside a read-only root is refused; the build dir stays.
        assert_eq!(report.counts, counts(1, 0, 0, 0));
        assert_eq!(report.errors.total(), 1);
        assert_eq!(names_in(&root), [".tmpA"]);
    } else {
        assert_eq!(report.counts, counts(1, 1, 1, 0));
    }
}

#[test]
fn an_unreadable_root_is_refused_or_swept() {
    let scratch = Scratch::new("unreadable-root");
    let bound = permissions_bind(&scratch);
    let root = scratch.dir("builds-v0");
    build_venv(&root.join(".tmpA"));
    chmod(&root, 0o000);

    let result = mcp_uv_cache_cleanup::sweep(&root, &Default::default());
    chmod(&root, 0o755);

    if bound {
        let err = result.expect_err("an unreadable root cannot be swept");
        assert!(err.to_string().starts_with(&root.display().to_string()), "{err}");
        assert!(err.to_string().contains("list directory"), "{err}");
        assert!(root.join(".tmpA").is_dir());
    } else {
        assert_eq!(result.unwrap().counts, counts(1, 1, 1, 0));
    }
}
