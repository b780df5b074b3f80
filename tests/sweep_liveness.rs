//! The sweep never renames or removes a build directory a running process
//! uses (rust/liveness), whatever its age, and sweeps it once that process is
//! gone: real processes, a real filesystem.
//!
//! Every system: a process whose executable lies inside a `.tmp*` directory
//! (the test binary itself, copied there), and a uv building with the cache
//! (the lock rule: this binary again, holding the locks as uv does). Linux
//! also: each other thing `/proc` shows (working directory, command line,
//! open and mapped files), a live `_dead_*` directory, and the sweeper's own
//! handles, which do not count.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use common::{build_venv, counts, names_in, spawn_child, Scratch};
use mcp_uv_cache_cleanup::liveness::uv_locks::{lock_state, LockState};
use mcp_uv_cache_cleanup::liveness::LivenessCheck;
use mcp_uv_cache_cleanup::{sweep, SweepOptions, SweepReport};

/// How long a helper process waits before exiting on its own, should a test
/// die without killing it.
const HELPER_LIFETIME_SEC: &str = "120";

/// A running helper process, killed and reaped when dropped.
struct Running(Child);

impl Running {
    /// Starts `command`. A program copied a moment ago may be busy: another
    /// test thread forking meanwhile inherits the copy's open descriptor
    /// until its exec (`ETXTBSY`), so that is retried.
    fn spawn(command: &mut Command) -> Running {
        for _ in 0..50 {
            match spawn_child(command) {
                Ok(child) => return Running(child),
                Err(err) if err.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(err) => panic!("start the helper process: {err}"),
            }
        }
        panic!("start the helper process: still busy after 1 s");
    }

    /// Kills the process and waits until it is gone.
    fn stop(mut self) {
        self.kill_and_reap();
    }

    fn kill_and_reap(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill_and_reap();
    }
}

/// Not a test: the process the other tests start from inside a build
/// directory (a copy of this test binary). It waits, then exits.
#[test]
#[ignore = "a helper process started by the other tests"]
fn helper_process_waits() {
    if let Some(seconds) = std::env::var("MCP_UVCC_HELPER_WAIT_SEC")
        .ok()
        .and_then(|text| text.parse().ok())
    {
        std::thread::sleep(Duration::from_secs(seconds));
    }
}

/// Not a test: a uv stand-in the other tests start. It holds the cache's
/// `.lock` shared and, when asked, one lock of a bucket exclusive, as a uv
/// building a distribution or an environment does (`std::fs::File::lock`:
/// `flock` on Unix, `LockFileEx` on Windows), says so by writing the file
/// `MCP_UVCC_HELPER_READY`, waits, then exits.
#[test]
#[ignore = "a helper process started by the other tests"]
fn helper_holds_uv_locks() {
    let Some(cache_lock) = std::env::var_os("MCP_UVCC_HELPER_CACHE_LOCK") else {
        return;
    };
    let cache = fs::File::open(cache_lock).unwrap();
    cache.lock_shared().unwrap();
    let work = std::env::var_os("MCP_UVCC_HELPER_WORK_LOCK").map(|work_lock| {
        let work = fs::File::open(work_lock).unwrap();
        work.lock().unwrap();
        work
    });
    fs::write(std::env::var_os("MCP_UVCC_HELPER_READY").unwrap(), "").unwrap();
    std::thread::sleep(Duration::from_secs(HELPER_LIFETIME_SEC.parse().unwrap()));
    drop((cache, work));
}

/// The lock uv 0.13 holds while it builds a local distribution.
const SDIST_SHARD_LOCK: &str = "sdists-v11/path/0123456789abcdef/.lock";
/// The lock uv 0.13 holds while it makes (and installs into) a cached
/// environment for `uvx`.
const ENVIRONMENT_LOCK: &str = "environments-v2/8b0cbae4892decd7/709743b0bde6ce58.lock";

/// Starts [`helper_holds_uv_locks`] on `cache`, holding `work_lock` (a path
/// in the cache) if given, and waits until it holds its locks.
fn start_uv_like(cache: &Path, work_lock: Option<&str>) -> Running {
    fs::create_dir_all(cache).unwrap();
    fs::write(cache.join(".lock"), "").unwrap();
    let ready = cache.join("helper-ready");
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "helper_holds_uv_locks", "--ignored", "--quiet"])
        .env("MCP_UVCC_HELPER_CACHE_LOCK", cache.join(".lock"))
        .env("MCP_UVCC_HELPER_READY", &ready)
        .stdout(std::process::Stdio::null());
    let work_lock = work_lock.map(|relative| {
        let lock = cache.join(relative);
        fs::create_dir_all(lock.parent().unwrap()).unwrap();
        fs::write(&lock, "").unwrap();
        command.env("MCP_UVCC_HELPER_WORK_LOCK", &lock);
        lock
    });
    let running = Running::spawn(&mut command);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !ready.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the uv stand-in never took its locks"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Some(lock) = work_lock {
        assert_eq!(lock_state(&lock), LockState::Held);
    }
    running
}

/// Lets enough time pass that a directory made before is older than a
/// process started after, start-time slack and boot-time rounding included.
fn outlast_start_time_slack() {
    std::thread::sleep(mcp_uv_cache_cleanup::liveness::START_TIME_SLACK + Duration::from_millis(1500));
}

/// A uv stand-in holding `work_lock` keeps the build dirs made since it
/// started, not one made before; once it exits, both go.
fn dirs_made_since_a_uv_holding_started_are_kept(label: &str, work_lock: &str) {
    let scratch = Scratch::new(label);
    let cache = scratch.dir("cache");
    let root = cache.join("builds-v0");
    build_venv(&root.join(".tmpBefore"));
    outlast_start_time_slack();
    let uv = start_uv_like(&cache, Some(work_lock));
    build_venv(&root.join(".tmpDuring"));

    let report = drop_in_sweep(&root);
    assert!(names_in(&root).contains(&".tmpDuring".to_owned()), "{report:?}");
    if cfg!(under_wine) {
        // Wine's Restart Manager names no holder, so the start is unknown
        // and every build dir counts as the build's: the safe side.
        assert_eq!(report.live, names_in(&root).len() as u64, "{report:?}");
    } else {
        assert_eq!(report.counts, counts(1, 1, 1, 0), "{report:?}");
        assert_eq!(report.live, 1);
        assert_eq!(names_in(&root), [".tmpDuring"]);
    }

    uv.stop();
    let report = drop_in_sweep(&root);
    assert_eq!(report.live, 0, "{report:?}");
    assert!(names_in(&root).is_empty(), "{report:?}");
}

#[test]
#[cfg_attr(
    under_qemu,
    ignore = "qemu-user without binfmt_misc cannot exec this arm64 binary as the uv stand-in; the real-uv stage and the x86_64 and Wine runs cover the lock rule"
)]
fn a_building_uv_keeps_the_build_dirs_made_since_it_started() {
    dirs_made_since_a_uv_holding_started_are_kept("live-building", SDIST_SHARD_LOCK);
}

#[test]
#[cfg_attr(
    under_qemu,
    ignore = "qemu-user without binfmt_misc cannot exec this arm64 binary as the uv stand-in; the real-uv stage and the x86_64 and Wine runs cover the lock rule"
)]
fn a_uv_making_a_tool_environment_keeps_the_dirs_made_since_it_started() {
    dirs_made_since_a_uv_holding_started_are_kept("live-environment", ENVIRONMENT_LOCK);
}

#[test]
#[cfg_attr(
    under_qemu,
    ignore = "qemu-user without binfmt_misc cannot exec this arm64 binary as the uv stand-in; the real-uv stage and the x86_64 and Wine runs cover the lock rule"
)]
fn a_uv_running_a_tool_keeps_no_build_dir_alive() {
    let scratch = Scratch::new("live-tool");
    let cache = scratch.dir("cache");
    let root = cache.join("builds-v0");
    let _uvx = start_uv_like(&cache, None);
    build_venv(&root.join(".tmpAfter"));
    let report = drop_in_sweep(&root);
    assert_eq!(report.counts, counts(1, 1, 1, 0), "{report:?}");
    assert_eq!(report.live, 0);
}

/// This test binary, copied to `executable` and started as
/// `helper_process_waits`: a process whose image lies at `executable`.
fn start_copy_of_this_binary(executable: &Path) -> Running {
    fs::create_dir_all(executable.parent().unwrap()).unwrap();
    fs::copy(std::env::current_exe().unwrap(), executable).unwrap();
    let running = Running::spawn(
        Command::new(executable)
            .args(["--exact", "helper_process_waits", "--ignored", "--quiet"])
            .env("MCP_UVCC_HELPER_WAIT_SEC", HELPER_LIFETIME_SEC)
            .stdout(std::process::Stdio::null()),
    );
    // The image is mapped before spawn returns, but Windows lists a new
    // process's modules only once its loader ran.
    std::thread::sleep(Duration::from_millis(500));
    running
}

fn drop_in_sweep(root: &Path) -> SweepReport {
    sweep(root, &SweepOptions::default()).expect("the root can be swept")
}

fn assert_checked(report: &SweepReport) {
    assert!(
        matches!(report.liveness, LivenessCheck::Processes(n) if n > 0),
        "the processes were read: {:?}",
        report.liveness
    );
}

#[test]
#[cfg_attr(
    under_qemu,
    ignore = "qemu-user without binfmt_misc cannot exec an arm64 copy of this binary; the Linux tests below cover the rule there"
)]
fn a_build_dir_whose_program_runs_is_spared_until_it_exits() {
    let scratch = Scratch::new("live-exe");
    let root = scratch.dir("builds-v0");
    build_venv(&root.join(".tmpStale"));
    let live = root.join(".tmpLive");
    build_venv(&live);
    let program_dir = if cfg!(windows) { "Scripts" } else { "bin" };
    let program = live
        .join(program_dir)
        .join(format!("python{}", std::env::consts::EXE_SUFFIX));
    let running = start_copy_of_this_binary(&program);

    let report = drop_in_sweep(&root);
    assert_checked(&report);
    assert_eq!(report.counts, counts(1, 1, 1, 0), "{report:?}");
    assert_eq!(report.live, 1);
    assert_eq!(names_in(&root), [".tmpLive"]);
    assert!(program.is_file(), "nothing inside a live dir is touched");

    running.stop();
    let report = drop_in_sweep(&root);
    assert_eq!(report.counts, counts(1, 1, 1, 0), "{report:?}");
    assert_eq!(report.live, 0);
    assert!(names_in(&root).is_empty());
}

#[test]
#[cfg_attr(
    under_qemu,
    ignore = "qemu-user without binfmt_misc cannot exec an arm64 copy of this binary; the Linux tests below cover the rule there"
)]
fn a_live_dir_is_spared_whatever_its_age_and_a_dry_run_says_so() {
    let scratch = Scratch::new("live-dry");
    let root = scratch.dir("builds-v0");
    let live = root.join(".tmpLive");
    build_venv(&live);
    let program = live.join("bin").join(format!("python{}", std::env::consts::EXE_SUFFIX));
    let _running = start_copy_of_this_binary(&program);
    let options = SweepOptions {
        dry_run: true,
        ..SweepOptions::default()
    };
    let report = sweep(&root, &options).unwrap();
    assert_eq!(report.counts, counts(0, 0, 0, 0), "{report:?}");
    assert_eq!(report.live, 1);
    assert_eq!(names_in(&root), [".tmpLive"]);
}

/// Where the processes cannot be read, the sweep falls back to its age rule
/// and the report says why. Run by tests/run.sh in a mount namespace whose
/// `/proc` is an empty tmpfs (`unshare -m`, root only).
#[test]
#[ignore = "needs /proc hidden: tests/run.sh runs it under unshare -m"]
fn without_processes_only_the_age_rule_applies_and_the_report_says_why() {
    assert!(
        fs::metadata("/proc/self/stat").is_err(),
        "run with /proc hidden (tests/run.sh does)"
    );
    let scratch = Scratch::new("live-unavailable");
    let root = scratch.dir("builds-v0");
    build_venv(&root.join(".tmpFresh"));
    let options = SweepOptions {
        min_age: Duration::from_secs(3600),
        ..SweepOptions::default()
    };
    let report = sweep(&root, &options).unwrap();
    assert_eq!(
        report.counts,
        counts(0, 0, 0, 0),
        "the age rule still spares a fresh dir"
    );
    assert_eq!(
        report.liveness,
        LivenessCheck::NotNeeded,
        "no candidate, nothing to check"
    );
    let report = drop_in_sweep(&root);
    assert!(
        matches!(&report.liveness, LivenessCheck::Unavailable(why) if why.contains("/proc")),
        "{:?}",
        report.liveness
    );
    assert!(report.liveness.to_string().starts_with("unavailable: "));
    assert_eq!(
        report.counts,
        counts(1, 1, 1, 0),
        "only the age rule, 0 here: {report:?}"
    );
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::fs::symlink;
    use std::os::unix::process::CommandExt;
    use std::path::PathBuf;

    use super::*;

    impl Running {
        fn pid(&self) -> u32 {
            self.0.id()
        }
    }

    /// Waits (up to 20 s) until `ready` holds.
    fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !ready() {
            assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `/proc/<pid>/<file>` of `running`, as bytes (empty once it is gone).
    fn proc_file(running: &Running, file: &str) -> Vec<u8> {
        fs::read(format!("/proc/{}/{file}", running.pid())).unwrap_or_default()
    }

    /// The executable `running` runs, as `/proc/<pid>/exe` links to it
    /// (empty once it is gone).
    fn proc_exe(running: &Running) -> PathBuf {
        fs::read_link(format!("/proc/{}/exe", running.pid())).unwrap_or_default()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|window| window == needle)
    }

    /// A root with one stale `.tmpStale` venv and the directory `live_name`;
    /// `start` starts a process that uses the latter. The sweep must spare it
    /// and remove the stale one; once the process is gone, the next sweep
    /// removes it too.
    fn spared_while_running(label: &str, live_name: &str, start: impl FnOnce(&Path) -> Running) {
        let scratch = Scratch::new(label);
        let root = scratch.dir("builds-v0");
        build_venv(&root.join(".tmpStale"));
        let live = root.join(live_name);
        build_venv(&live);
        let running = start(&live);

        let report = drop_in_sweep(&root);
        assert_checked(&report);
        assert_eq!(report.live, 1, "{label}: {report:?}");
        assert_eq!(names_in(&root), [live_name], "{label}");
        assert!(
            live.join("pyvenv.cfg").is_file(),
            "{label}: nothing inside a live dir is touched"
        );
        let expected_remaining = u64::from(live_name.starts_with("_dead_"));
        assert_eq!(
            report.counts,
            counts(1, 1, 1, expected_remaining),
            "{label}: {report:?}"
        );

        running.stop();
        let report = drop_in_sweep(&root);
        assert_eq!(report.live, 0, "{label}: {report:?}");
        assert!(names_in(&root).is_empty(), "{label}: {:?}", names_in(&root));
    }

    #[test]
    fn a_working_directory_inside_keeps_a_dir_alive() {
        spared_while_running("live-cwd", ".tmpCwd", |live| {
            Running::spawn(Command::new("sleep").arg(HELPER_LIFETIME_SEC).current_dir(live))
        });
    }

    #[test]
    fn an_executable_inside_keeps_a_dir_alive_whatever_its_command_line_says() {
        spared_while_running("live-exe-only", ".tmpExe", |live| {
            let copy = live.join("bin/sleep");
            fs::create_dir_all(copy.parent().unwrap()).unwrap();
            fs::copy("/bin/sleep", &copy).unwrap();
            // argv[0] names no path, so only /proc/<pid>/exe shows the dir.
            let running = Running::spawn(Command::new(&copy).arg0("sleep").arg(HELPER_LIFETIME_SEC));
            // spawn can return before the exec: qemu-user runs glibc's vfork
            // as a fork, and under load its sweep then read qemu's exe.
            let copy = fs::canonicalize(&copy).unwrap();
            wait_until("the helper runs the copy", || proc_exe(&running) == copy);
            running
        });
    }

    #[test]
    fn a_venv_python_link_in_the_command_line_keeps_a_dir_alive() {
        // uv runs `<.tmp>/bin/python`, a link to the base interpreter: the
        // executable resolves outside the dir, the command line names it.
        spared_while_running("live-argv0", ".tmpVenvLink", |live| {
            let python = live.join("bin/python");
            fs::create_dir_all(python.parent().unwrap()).unwrap();
            symlink(fs::canonicalize("/bin/sleep").unwrap(), &python).unwrap();
            let running = Running::spawn(Command::new(&python).arg(HELPER_LIFETIME_SEC));
            // Until it execs, the child is a copy of this binary (under qemu,
            // of qemu) with another command line: a sweep then finds nothing
            // naming the dir (seen once under qemu on a loaded machine).
            wait_until("the helper runs as the venv's python", || {
                contains(&proc_file(&running, "cmdline"), python.as_os_str().as_encoded_bytes())
            });
            assert!(!proc_exe(&running).starts_with(fs::canonicalize(live).unwrap()));
            running
        });
    }

    #[test]
    fn a_path_inside_a_script_argument_keeps_a_dir_alive() {
        // uv's `python -c` script names the wheel's output dir, a second `.tmp*`.
        spared_while_running("live-script", ".tmpWheelOut", |live| {
            let script = format!("sleep {HELPER_LIFETIME_SEC}; : \"{}\"", live.display());
            let running = Running::spawn(Command::new("sh").arg("-c").arg(script));
            // Until it execs, the child is a copy of this binary (under qemu,
            // of qemu) with another command line.
            wait_until("the helper runs the script", || {
                contains(&proc_file(&running, "cmdline"), live.as_os_str().as_encoded_bytes())
            });
            running
        });
    }

    #[test]
    fn an_open_file_inside_keeps_a_dir_alive() {
        spared_while_running("live-open", ".tmpOpen", |live| {
            let file = live.join("pyvenv.cfg");
            let running = Running::spawn(
                Command::new("sh")
                    .arg("-c")
                    .arg(format!("exec 3< \"$0\"; exec sleep {HELPER_LIFETIME_SEC}"))
                    .arg(&file),
            );
            // Once it runs `sleep`, only the open descriptor names the dir.
            wait_until("the helper holds the file and runs sleep", || {
                proc_file(&running, "cmdline").starts_with(b"sleep")
                    && fs::read_link(format!("/proc/{}/fd/3", running.pid())).is_ok_and(|target| target == file)
            });
            running
        });
    }

    #[test]
    fn a_mapped_file_inside_keeps_a_dir_alive() {
        spared_while_running("live-mapped", ".tmpMapped", |live| {
            let library = live.join("lib/ext.so");
            fs::create_dir_all(library.parent().unwrap()).unwrap();
            // A copy of one of Python's own extension modules, loaded as an
            // extension is: mapped, its descriptor closed.
            let script = "import ctypes, glob, os, shutil, sysconfig, time\n\
                          shared = sysconfig.get_config_var('DESTSHARED')\n\
                          shutil.copy(sorted(glob.glob(os.path.join(shared, '*.so')))[0], os.environ['MAPPED'])\n\
                          ctypes.CDLL(os.environ['MAPPED'])\n\
                          time.sleep(120)\n";
            let running = Running::spawn(Command::new("python3").arg("-c").arg(script).env("MAPPED", &library));
            let name = library.as_os_str().as_encoded_bytes();
            wait_until("the helper maps the file", || {
                contains(&proc_file(&running, "maps"), name)
            });
            let fds = fs::read_dir(format!("/proc/{}/fd", running.pid())).unwrap();
            assert!(
                fds.flatten()
                    .all(|fd| fs::read_link(fd.path()).map_or(true, |target| target != library)),
                "the file is mapped, not open"
            );
            running
        });
    }

    #[test]
    fn a_live_dead_dir_is_not_removed_and_stays_remaining() {
        spared_while_running("live-dead", "_dead_.tmpOld", |live| {
            Running::spawn(Command::new("sleep").arg(HELPER_LIFETIME_SEC).current_dir(live))
        });
    }

    #[test]
    fn the_sweepers_own_handles_do_not_keep_a_dir_alive() {
        let scratch = Scratch::new("live-own");
        let root = scratch.dir("builds-v0");
        build_venv(&root.join(".tmpOwn"));
        let held = fs::File::open(root.join(".tmpOwn/pyvenv.cfg")).unwrap();
        let report = drop_in_sweep(&root);
        drop(held);
        assert_eq!(report.counts, counts(1, 1, 1, 0), "{report:?}");
        assert_eq!(report.live, 0);
    }
}
