//! Helpers shared by the integration tests: scratch directories on a real
//! filesystem, tree builders, and the list of removal backends to run each
//! rule against.

#![allow(dead_code)] // each test file uses a different subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{PoisonError, RwLock};

use mcp_uv_cache_cleanup::remove::Backend;
use mcp_uv_cache_cleanup::{sweep, SweepCounts, SweepOptions};

/// A scratch directory, removed (best effort) when dropped.
///
/// It lives under `$MCP_UVCC_TEST_TMPDIR` if set (the unprivileged test run
/// points it at a directory that user owns), else under Cargo's per-target
/// temp dir, which is on the build disk: `chattr +i` needs ext4 or similar,
/// and `/tmp` may be a tmpfs.
pub(crate) struct Scratch {
    path: PathBuf,
}

impl Scratch {
    pub(crate) fn new(label: &str) -> Scratch {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = std::env::var_os("MCP_UVCC_TEST_TMPDIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
        let path = base.join(format!(
            "{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A new directory `name` inside the scratch directory.
    pub(crate) fn dir(&self, name: &str) -> PathBuf {
        let dir = self.path.join(name);
        fs::create_dir_all(&dir).unwrap();
        dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if fs::remove_dir_all(&self.path).is_err() {
            // A test that failed while a file was immutable left it so.
            let _ = run_child(Command::new("chattr").arg("-R").arg("-i").arg(&self.path));
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Keeps a test's child processes from holding another test's fixture files.
///
/// A child holds a copy of every descriptor the test process has open from
/// its fork until its exec. If another test thread is writing a fixture file
/// meanwhile, the child "uses" that file, and a sweep of its directory in
/// that window spares the directory as live, which is the rule working, not
/// the test. Natively the window is microseconds; under qemu-user, which runs
/// the child's code up to the exec emulated, on a loaded machine it is long
/// enough: a Linux arm64 run under qemu beside a release build once found a
/// fresh `.tmpA` live (tests/sweep_safety.rs, scanned 0 instead of 1). So
/// fixture writes share this lock and a spawn takes it alone, until the
/// child has exec'd (`Command::spawn` returns only then).
static FORK_GUARD: RwLock<()> = RwLock::new(());

/// Starts `command` while no fixture file is open (see [`FORK_GUARD`]).
pub(crate) fn spawn_child(command: &mut Command) -> std::io::Result<Child> {
    let _alone = FORK_GUARD.write().unwrap_or_else(PoisonError::into_inner);
    command.spawn()
}

/// Runs `command` to its end, as `Command::status` does, started through
/// [`spawn_child`].
pub(crate) fn run_child(command: &mut Command) -> std::io::Result<ExitStatus> {
    spawn_child(command)?.wait()
}

/// Writes `contents` to `path`, creating parent directories. Holds
/// [`FORK_GUARD`] shared while the file is open. (`fixture.rs`, shared with
/// the benchmarks, does without: no test that uses it starts a process.)
pub(crate) fn write(path: impl AsRef<Path>, contents: &str) {
    let path = path.as_ref();
    let _writing = FORK_GUARD.read().unwrap_or_else(PoisonError::into_inner);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// A small uv-like build venv at `dir`, with nested and hidden entries.
pub(crate) fn build_venv(dir: &Path) {
    write(dir.join("pyvenv.cfg"), "home = C:\\Python313\n");
    write(
        dir.join("Lib/site-packages/pydantic_core/__init__.py"),
        "from ._pydantic_core import *\n",
    );
    write(
        dir.join("Lib/site-packages/pydantic_core/_pydantic_core.cp313-win_amd64.pyd"),
        "MZ fake extension",
    );
    write(dir.join("Lib/site-packages/.hidden_marker"), "");
    write(dir.join(".lock/.hidden/deep/file.txt"), "x");
    fs::create_dir_all(dir.join("Scripts/empty")).unwrap();
}

/// The names in `dir`, sorted, as lossy strings.
pub(crate) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every removal backend this platform has.
pub(crate) fn backends() -> Vec<Backend> {
    #[cfg(unix)]
    return vec![Backend::Handles, Backend::Paths];
    #[cfg(not(unix))]
    return vec![Backend::Paths];
}

/// Default options with `backend`.
pub(crate) fn options_for(backend: Backend) -> SweepOptions {
    SweepOptions {
        backend,
        ..SweepOptions::default()
    }
}

/// Sweeps `root` with default options on `backend`; panics if the root is
/// refused.
pub(crate) fn sweep_counts(root: &Path, backend: Backend) -> SweepCounts {
    sweep(root, &options_for(backend)).expect("root is sweepable").counts
}

pub(crate) fn counts(scanned: u64, renamed: u64, deleted: u64, remaining: u64) -> SweepCounts {
    SweepCounts {
        scanned,
        renamed,
        deleted,
        remaining,
    }
}

/// Makes `path` undeletable (`chattr +i`) until the guard drops: the Linux
/// stand-in for a file Windows keeps locked. Needs root and ext4 or similar.
pub(crate) struct Immutable {
    path: PathBuf,
}

impl Immutable {
    pub(crate) fn set(path: &Path) -> Immutable {
        assert!(
            chattr("+i", path),
            "chattr +i {} failed (needs root and ext4)",
            path.display()
        );
        Immutable { path: path.to_owned() }
    }

    /// The file was moved (its build dir renamed): release it at `path`.
    pub(crate) fn moved_to(&mut self, path: &Path) {
        self.path = path.to_owned();
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        // No assert here: a drop during a failing test must not abort it.
        chattr("-i", &self.path);
    }
}

/// Runs `chattr FLAG PATH`; true if it succeeded.
pub(crate) fn chattr(flag: &str, path: &Path) -> bool {
    run_child(Command::new("chattr").arg(flag).arg(path)).is_ok_and(|status| status.success())
}
