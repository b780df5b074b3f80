//! What the sweep exists for, on Windows semantics: files held open without
//! `FILE_SHARE_DELETE`, the read-only attribute, `%LOCALAPPDATA%`, paths past
//! `MAX_PATH`, junctions and directory symlinks.
//!
//! Runs on a Windows host and, from Linux, under Wine (`tests/cross/windows_x86_64_under_wine.sh`,
//! which sets `cfg(under_wine)` through `rust/build.rs`). A test Wine cannot reproduce is marked
//! Windows-host-only with the reason, never weakened.

#![cfg(windows)]

mod common;

use std::fs::{self, OpenOptions};
use std::os::windows::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use mcp_uv_cache_cleanup::known_folder::{known_folder, KnownFolder};
use mcp_uv_cache_cleanup::uv_cache_dir::resolve_for_this_process;
use mcp_uv_cache_cleanup::{sweep, Operation, SweepError, SweepOptions};

/// `FILE_SHARE_READ`: others may read, but not write or delete, as antivirus
/// scanners and `LoadLibrary` open files.
const FILE_SHARE_READ: u32 = 0x1;
/// `ERROR_SHARING_VIOLATION`: "the process cannot access the file because it
/// is being used by another process" (os error 32).
const ERROR_SHARING_VIOLATION: i32 = 32;

const PYD: &str = "Lib/site-packages/pydantic_core/_pydantic_core.cp313-win_amd64.pyd";

#[test]
fn a_file_held_open_without_share_delete_stays_until_it_is_closed() {
    let scratch = Scratch::new("win-locked");
    let root = scratch.dir("builds-v0");
    build_venv(&root.join(".tmpLocked"));
    let held = OpenOptions::new()
        .read(true)
        .share_mode(FILE_SHARE_READ)
        .open(root.join(".tmpLocked").join(PYD))
        .unwrap();

    let first = sweep(&root, &SweepOptions::default()).unwrap();

    assert_eq!(first.counts, counts(1, 1, 0, 1), "{:?}", first.errors.kept());
    let locked = root.join("_dead_.tmpLocked").join(PYD);
    assert!(locked.is_file(), "the held file is still there, under the dead name");
    match first.errors.first() {
        Some(SweepError::Io {
            operation,
            path,
            source,
        }) => {
            assert_eq!(*operation, Operation::RemoveFile);
            assert_eq!(normalise(path), normalise(&locked));
            assert_eq!(source.raw_os_error(), Some(ERROR_SHARING_VIOLATION), "{source}");
        }
        other => panic!("expected the locked file's error, got {other:?}"),
    }

    drop(held);
    let second = sweep(&root, &SweepOptions::default()).unwrap();
    assert_eq!(second.counts, counts(0, 0, 1, 0), "{:?}", second.errors.kept());
    assert!(names_in(&root).is_empty());
}

#[test]
fn read_only_files_are_removed() {
    assert_venv_removed_after("win-read-only-files", |venv| {
        let package = venv.join("Lib/site-packages/pydantic_core");
        for path in [package.join("__init__.py"), venv.join(PYD), venv.join("pyvenv.cfg")] {
            set_read_only(&path);
        }
    });
}

#[test]
#[cfg_attr(
    under_wine,
    ignore = "Windows host only: Wine does not keep FILE_ATTRIBUTE_READONLY on directories"
)]
fn read_only_directories_are_removed() {
    assert_venv_removed_after("win-read-only-dirs", |venv| {
        let package = venv.join("Lib/site-packages/pydantic_core");
        for dir in [&package, &venv.join("Scripts/empty"), venv] {
            set_read_only(dir);
        }
    });
}

/// Builds a venv, lets `prepare` change it, and checks one sweep removes it.
fn assert_venv_removed_after(label: &str, prepare: impl FnOnce(&Path)) {
    let scratch = Scratch::new(label);
    let root = scratch.dir("builds-v0");
    let venv = root.join(".tmpRO");
    build_venv(&venv);
    prepare(&venv);

    let report = sweep(&root, &SweepOptions::default()).unwrap();

    assert_eq!(report.counts, counts(1, 1, 1, 0), "{:?}", report.errors.kept());
    assert!(names_in(&root).is_empty());
}

#[test]
fn purge_stale_builds_finds_builds_v0_under_the_real_local_appdata() {
    let scratch = Scratch::new("win-appdata");
    let appdata = scratch.dir("AppData/Local");
    let builds = appdata.join("uv").join("cache").join("builds-v0");
    build_venv(&builds.join(".tmpAbc"));
    std::env::set_var("LOCALAPPDATA", &appdata);

    let resolution = resolve_for_this_process("Windows");
    assert_eq!(resolution.rule, "LOCALAPPDATA", "{resolution:?}");
    let root = resolution.builds_root.expect("resolved on Windows");

    assert_eq!(normalise(&root), normalise(&builds));
    assert_eq!(
        sweep(&root, &SweepOptions::default()).unwrap().counts,
        counts(1, 1, 1, 0)
    );
}

#[test]
fn the_known_folders_uv_falls_back_to_exist() {
    for folder in [
        KnownFolder::LocalAppData,
        KnownFolder::RoamingAppData,
        KnownFolder::ProgramData,
    ] {
        let path = known_folder(folder).unwrap_or_else(|| panic!("{folder:?}: no path"));
        assert!(path.is_absolute() && path.is_dir(), "{folder:?}: {}", path.display());
    }
}

#[test]
fn paths_longer_than_max_path_are_removed() {
    let scratch = Scratch::new("win-long");
    let root = scratch.dir("builds-v0");
    let mut deepest = root.join(".tmpLong");
    for level in 0..12 {
        deepest.push(format!("{level:02}_a_directory_name_of_some_forty_chars"));
    }
    fs::create_dir_all(&deepest).unwrap();
    write(deepest.join("module_with_a_long_name.py"), "x");
    assert!(deepest.as_os_str().len() > 500, "{}", deepest.display());

    let report = sweep(&root, &SweepOptions::default()).unwrap();

    assert_eq!(report.counts, counts(1, 1, 1, 0), "{:?}", report.errors.kept());
    assert!(names_in(&root).is_empty());
}

#[test]
#[cfg_attr(
    under_wine,
    ignore = "Windows host only: Wine maps every path to a Unix path, which cannot exceed PATH_MAX (4096 bytes)"
)]
fn a_tree_ten_thousand_levels_deep_is_removed() {
    let scratch = Scratch::new("win-deep");
    let root = scratch.dir("builds-v0");
    let mut deepest = root.join(".tmpDeep");
    for _ in 0..10_000 {
        deepest.push("d");
    }
    fs::create_dir_all(&deepest).unwrap();
    write(deepest.join("bottom.txt"), "x");

    let report = sweep(&root, &SweepOptions::default()).unwrap();

    assert_eq!(report.counts, counts(1, 1, 1, 0), "{:?}", report.errors.kept());
}

#[test]
#[cfg_attr(
    under_wine,
    ignore = "Windows host only: Wine 8 cannot make junctions (mklink /J fails) and its CreateSymbolicLinkW reports success without making a link"
)]
fn junctions_and_directory_links_inside_a_build_dir_are_removed_as_links() {
    let scratch = Scratch::new("win-links");
    let outside = scratch.dir("outside");
    write(outside.join("canary.txt"), "alive");
    write(outside.join("sub/deeper.txt"), "alive");
    let root = scratch.dir("builds-v0");
    build_venv(&root.join(".tmpA"));
    let made_junction = mklink("/J", &root.join(".tmpA/Lib/junction"), &outside);
    let dir_link = root.join(".tmpA/dir_link");
    let made_symlink = std::os::windows::fs::symlink_dir(&outside, &dir_link).is_ok() && is_link(&dir_link);
    eprintln!("junction: {made_junction}, directory symlink: {made_symlink}");
    assert!(made_junction, "mklink /J needs no privilege on Windows");

    let report = sweep(&root, &SweepOptions::default()).unwrap();

    assert_eq!(report.counts, counts(1, 1, 1, 0), "{:?}", report.errors.kept());
    assert_eq!(fs::read_to_string(outside.join("canary.txt")).unwrap(), "alive");
    assert_eq!(fs::read_to_string(outside.join("sub/deeper.txt")).unwrap(), "alive");
}

#[test]
#[cfg_attr(
    under_wine,
    ignore = "Windows host only: Wine 8 cannot make junctions (mklink /J fails) and its CreateSymbolicLinkW reports success without making a link"
)]
fn a_build_name_that_is_a_junction_is_not_a_directory() {
    let scratch = Scratch::new("win-junction-top");
    let outside = scratch.dir("outside");
    write(outside.join("canary.txt"), "alive");
    let root = scratch.dir("builds-v0");
    assert!(
        mklink("/J", &root.join(".tmpJunction"), &outside),
        "mklink /J needs no privilege on Windows"
    );

    assert_eq!(
        sweep(&root, &SweepOptions::default()).unwrap().counts,
        counts(0, 0, 0, 0)
    );
    assert_eq!(fs::read_to_string(outside.join("canary.txt")).unwrap(), "alive");
    let link = fs::symlink_metadata(root.join(".tmpJunction")).expect("the link itself is still there");
    assert!(link.file_type().is_symlink(), "{link:?}");
}

/// `cmd /c mklink <kind> link target`; true if it made the link. Junctions
/// (`/J`) need no privilege, unlike symlinks.
fn mklink(kind: &str, link: &Path, target: &Path) -> bool {
    Command::new("cmd")
        .args(["/c", "mklink", kind])
        .arg(link)
        .arg(target)
        .output()
        .is_ok_and(|out| out.status.success())
        && is_link(link)
}

/// True if `path` is a symlink or junction (checked, not trusted from the
/// call that made it).
fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

fn set_read_only(path: &Path) {
    let mut permissions = fs::metadata(path).unwrap().permissions();
    permissions.set_readonly(true);
    fs::set_permissions(path, permissions).unwrap();
    assert!(fs::metadata(path).unwrap().permissions().readonly());
}

/// Paths compared the way Windows does: separators and case folded.
fn normalise(path: &Path) -> PathBuf {
    PathBuf::from(path.to_string_lossy().replace('/', "\\").to_lowercase())
}
