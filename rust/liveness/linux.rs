//! Linux: the running processes from `/proc`.
//!
//! For each process of this user: `exe` and `cwd` (links), `cmdline` (all
//! arguments), and, unless it started before every candidate was made (see
//! [`super`]), every link in `fd/` (open files) and `maps` (mapped files). A
//! process that exits while it is read, or that this user may not read, is
//! skipped; only an unreadable `/proc` is an error. The holders of uv's
//! locks come from `/proc/locks`.
//!
//! What keeps it cheap (`cargo bench -p mcp_uv_cache_cleanup_benches --bench
//! liveness`): every file is opened relative to the process's `/proc/<pid>`
//! directory (no path lookup from `/` each time), one buffer is reused for
//! every read, another user's process is left after one `stat` of its
//! directory, a kernel thread (no executable) after one `readlink`, and the
//! reading is spread over the cores.

use std::ffi::{CStr, OsStr};
use std::fs::File;
use std::io::Read;
use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use rustix::fs::{openat, readlinkat_raw, statat, AtFlags, Dir, Mode, OFlags};

use super::ProcessUse;

/// Reads every process in `/proc` of this user except `except` and hands
/// each to `visit`, one at a time, until it breaks; returns how many were
/// read. A process that started before `full_read_after` is read without
/// its open and mapped files (`None`: every process in full). The reading is
/// spread over up to [`MAX_READERS`] threads (one per core): it is the
/// kernel writing each process's `maps` and `fd/` that costs, and that work
/// runs in parallel; `visit` runs on this thread only.
pub(super) fn visit_processes(
    except: u32,
    full_read_after: Option<SystemTime>,
    visit: &mut dyn FnMut(ProcessUse) -> ControlFlow<()>,
) -> Result<usize, String> {
    let proc_dir = openat(
        rustix::fs::CWD,
        "/proc",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|err| format!("cannot open /proc: {err}"))?;
    let own_uid = std::fs::metadata("/proc/self")
        .map_err(|err| format!("/proc shows no process: {err}"))?
        .uid();
    let pids = list_pids(&proc_dir, except)?;
    let readers = std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .clamp(1, MAX_READERS)
        .min(pids.len().max(1));
    let mut count = 0;
    let mut stopped = false;
    // The shares this thread reads itself: the one share with one reader,
    // else those no thread could be started for (after the others).
    let mut own_shares = Vec::new();
    if readers == 1 {
        own_shares.push(0);
    } else {
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::sync_channel::<ProcessUse>(64);
            for first in 0..readers {
                let sender = sender.clone();
                let (pids, proc_dir, stop) = (&pids, &proc_dir, &stop);
                let spawned = std::thread::Builder::new()
                    .name("uv-cache-liveness".into())
                    .spawn_scoped(scope, move || {
                        let mut reader = Reader::new(full_read_after);
                        for pid in pids.iter().skip(first).step_by(readers) {
                            if stop.load(Ordering::Relaxed) {
                                return;
                            }
                            if let Some(process) = reader.read_pid(proc_dir, *pid, own_uid) {
                                if sender.send(process).is_err() {
                                    return;
                                }
                            }
                        }
                    });
                if spawned.is_err() {
                    own_shares.push(first);
                }
            }
            drop(sender);
            for process in receiver {
                count += 1;
                if visit(process).is_break() {
                    stop.store(true, Ordering::Relaxed);
                    stopped = true;
                    break;
                }
            }
        });
    }
    let mut reader = Reader::new(full_read_after);
    for first in own_shares {
        for pid in pids.iter().skip(first).step_by(readers) {
            if stopped {
                return Ok(count);
            }
            if let Some(process) = reader.read_pid(&proc_dir, *pid, own_uid) {
                count += 1;
                stopped = visit(process).is_break();
            }
        }
    }
    Ok(count)
}

/// At most this many threads read `/proc`.
const MAX_READERS: usize = 4;

/// The process IDs in `/proc` but `except`.
fn list_pids(proc_dir: &OwnedFd, except: u32) -> Result<Vec<u32>, String> {
    let entries = Dir::read_from(proc_dir).map_err(|err| format!("cannot list /proc: {err}"))?;
    let mut pids = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else { break };
        if let Some(pid) = entry
            .file_name()
            .to_str()
            .ok()
            .and_then(|name| name.parse::<u32>().ok())
        {
            if pid != except {
                pids.push(pid);
            }
        }
    }
    Ok(pids)
}

/// Reads processes with one reused buffer.
struct Reader {
    buffer: Vec<u8>,
    link: Vec<u8>,
    /// Processes started before this are read without `fd/` and `maps`.
    full_read_after: Option<SystemTime>,
    /// When the system booted, once read (only with `full_read_after`).
    boot_time: Option<SystemTime>,
}

impl Reader {
    fn new(full_read_after: Option<SystemTime>) -> Reader {
        Reader {
            buffer: Vec::with_capacity(64 * 1024),
            link: Vec::with_capacity(4096),
            full_read_after,
            boot_time: full_read_after.and_then(|_| boot_time()),
        }
    }

    /// Process `pid` of user `own_uid`, or `None` if it is another user's
    /// (not a uv of this user's cache, and its files are not ours to read),
    /// gone, or a kernel thread.
    fn read_pid(&mut self, proc_dir: &OwnedFd, pid: u32, own_uid: u32) -> Option<ProcessUse> {
        let name = pid.to_string();
        match statat(proc_dir, &name, AtFlags::empty()) {
            Ok(stat) if stat.st_uid == own_uid => {}
            _ => return None,
        }
        let dir = openat(
            proc_dir,
            &name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        self.read_process(dir.as_fd(), pid)
    }

    /// One process, or `None` if it is gone, not ours to read, or a kernel
    /// thread.
    fn read_process(&mut self, dir: BorrowedFd<'_>, pid: u32) -> Option<ProcessUse> {
        let mut process = ProcessUse {
            pid,
            ..ProcessUse::default()
        };
        // A kernel thread has no executable; nor can a process that is not
        // ours be read past this point.
        let exe = self.read_link(dir, c"exe")?;
        process.mention(exe);
        if let Some(cwd) = self.read_link(dir, c"cwd") {
            process.mention(cwd);
        }
        if let Some(command_line) = self.read_file(dir, c"cmdline") {
            process.mention(command_line);
        }
        if let (Some(after), Some(boot)) = (self.full_read_after, self.boot_time) {
            let start = self.read_file(dir, c"stat").and_then(|stat| started(stat, boot));
            if start.is_some_and(|start| start < after) {
                return Some(process);
            }
        }
        self.read_open_files(dir, &mut process);
        if let Some(maps) = self.read_file(dir, c"maps") {
            process.mention(maps);
        }
        Some(process)
    }

    /// The target of the link `name` in `dir`, in the reused buffer.
    fn read_link(&mut self, dir: BorrowedFd<'_>, name: &CStr) -> Option<&[u8]> {
        self.link.clear();
        let (target, _) = readlinkat_raw(dir, name, self.link.spare_capacity_mut()).ok()?;
        let len = target.len();
        // SAFETY: readlinkat_raw initialised the first `len` bytes of the
        // spare capacity it was given.
        unsafe { self.link.set_len(len) };
        if len == self.link.capacity() {
            // Possibly truncated; a path this long is read again in full.
            self.link = rustix::fs::readlinkat(dir, name, Vec::new()).ok()?.into_bytes();
        }
        Some(&self.link)
    }

    /// The whole of the file `name` in `dir`, in the reused buffer.
    fn read_file(&mut self, dir: BorrowedFd<'_>, name: &CStr) -> Option<&[u8]> {
        let fd: OwnedFd = openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
        self.buffer.clear();
        File::from(fd).read_to_end(&mut self.buffer).ok()?;
        Some(&self.buffer)
    }

    /// Every link of `fd/`, as open files.
    fn read_open_files(&mut self, dir: BorrowedFd<'_>, process: &mut ProcessUse) {
        let Ok(fds) = openat(
            dir,
            c"fd",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        ) else {
            return;
        };
        let Ok(mut entries) = Dir::read_from(&fds) else {
            return;
        };
        while let Some(Ok(entry)) = entries.next() {
            let name = entry.file_name();
            if name.to_bytes().first() == Some(&b'.') {
                continue;
            }
            if let Ok(target) = rustix::fs::readlinkat(&fds, name, Vec::new()) {
                process.mention(target.as_bytes());
            }
        }
    }
}

/// When each process holding one of `locks` (exclusively: a `WRITE` lock)
/// started, from `/proc/locks`; `None` when a held lock shows no holder
/// there (another PID namespace) or `/proc/locks` cannot be read.
pub(super) fn lock_holder_starts(locks: &[PathBuf]) -> Option<Vec<Option<SystemTime>>> {
    let table = std::fs::read_to_string("/proc/locks").ok()?;
    let boot = boot_time();
    let mut starts = Vec::new();
    for lock in locks {
        let meta = std::fs::metadata(lock).ok()?;
        let key = (rustix::fs::major(meta.dev()), rustix::fs::minor(meta.dev()), meta.ino());
        let holders: Vec<u32> = table.lines().filter_map(|line| write_lock_holder(line, key)).collect();
        if holders.is_empty() {
            return None;
        }
        for pid in holders {
            let stat = std::fs::read(format!("/proc/{pid}/stat")).ok();
            starts.push(boot.zip(stat).and_then(|(boot, stat)| started(&stat, boot)));
        }
    }
    Some(starts)
}

/// The PID of a `/proc/locks` line that is a held `WRITE` lock on the file
/// `(major, minor, inode)`: `1: FLOCK  ADVISORY  WRITE 1234 08:02:5678 0 EOF`
/// (device numbers in hex). A waiter's line (`1: -> FLOCK …`) is not one.
fn write_lock_holder(line: &str, (major, minor, inode): (u32, u32, u64)) -> Option<u32> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [_, _kind, _mode, "WRITE", pid, file, ..] = fields.as_slice() else {
        return None;
    };
    let mut parts = file.split(':');
    let file_major = u32::from_str_radix(parts.next()?, 16).ok()?;
    let file_minor = u32::from_str_radix(parts.next()?, 16).ok()?;
    let file_inode: u64 = parts.next()?.parse().ok()?;
    ((file_major, file_minor, file_inode) == (major, minor, inode))
        .then(|| pid.parse().ok())
        .flatten()
}

/// The start time from a `/proc/<pid>/stat` text: field 22, in clock ticks
/// since boot. The command name (field 2) may hold spaces and parentheses, so
/// the fields are counted after its last `)`.
fn started(stat: &[u8], boot: SystemTime) -> Option<SystemTime> {
    let after_name = stat.iter().rposition(|byte| *byte == b')')?;
    let fields = OsStr::from_bytes(&stat[after_name + 1..]).to_str()?;
    let ticks: u64 = fields.split_whitespace().nth(19)?.parse().ok()?;
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    let since_boot = Duration::from_secs(ticks / per_second)
        + Duration::from_nanos((ticks % per_second) * 1_000_000_000 / per_second);
    boot.checked_add(since_boot)
}

/// When the system booted (`btime` of `/proc/stat`, to the second).
fn boot_time() -> Option<SystemTime> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let seconds: u64 = stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_time_is_field_22_after_the_last_parenthesis() {
        // pid (comm) state ppid ... field 22 = 500 ticks.
        let mut fields = vec!["1".to_owned(), "(a) b (c)".to_owned(), "S".to_owned()];
        fields.extend((4..=21).map(|n| n.to_string()));
        fields.push("500".to_owned());
        fields.push("0".to_owned());
        let stat = fields.join(" ");
        let boot = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let per_second = rustix::param::clock_ticks_per_second();
        let expected = boot + Duration::from_secs_f64(500.0 / per_second as f64);
        let found = started(stat.as_bytes(), boot).unwrap();
        let gap = found.duration_since(expected).unwrap_or_else(|err| err.duration());
        assert!(gap < Duration::from_millis(1), "{found:?} vs {expected:?}");
    }

    #[test]
    fn this_process_starts_after_boot_and_before_now() {
        let stat = std::fs::read("/proc/self/stat").unwrap();
        let boot = boot_time().unwrap();
        let start = started(&stat, boot).unwrap();
        assert!(start >= boot);
        assert!(start <= SystemTime::now() + Duration::from_secs(2));
    }

    /// Starts a `sleep`, reads the processes with `full_read_after` (a time
    /// taken once the child runs) until the child, and returns what was read
    /// of it and how many processes were read.
    fn read_a_child(full_read_after: impl FnOnce() -> Option<SystemTime>) -> (ProcessUse, usize) {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .stdin(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let after = full_read_after();
        let mut seen = None;
        let count = visit_processes(std::process::id(), after, &mut |process| {
            if process.pid == child.id() {
                seen = Some(process);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        })
        .unwrap();
        let _ = child.kill();
        let _ = child.wait();
        (seen.expect("the child is among this user's processes"), count)
    }

    #[test]
    fn a_child_of_this_user_is_read_with_its_links_and_open_files() {
        let (seen, count) = read_a_child(|| None);
        assert!(count >= 1);
        let mentions = String::from_utf8_lossy(&seen.mentions);
        assert!(mentions.contains("sleep"), "{mentions}");
        assert!(mentions.contains("/dev/"), "its open files: {mentions}");
    }

    #[test]
    fn a_process_older_than_the_candidates_is_read_without_its_open_files() {
        let (seen, _) = read_a_child(|| Some(SystemTime::now() + Duration::from_secs(5)));
        let mentions = String::from_utf8_lossy(&seen.mentions);
        assert!(mentions.contains("sleep"), "{mentions}");
        assert!(!mentions.contains("/dev/"), "no open files: {mentions}");
    }

    #[test]
    fn a_write_lock_line_names_its_holder_and_a_waiter_or_reader_does_not() {
        let key = (0xfd, 0x01, 5678);
        assert_eq!(
            write_lock_holder("1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF", key),
            Some(1234)
        );
        assert_eq!(
            write_lock_holder("1: FLOCK  ADVISORY  READ 1234 fd:01:5678 0 EOF", key),
            None
        );
        assert_eq!(
            write_lock_holder("1: -> FLOCK  ADVISORY  WRITE 99 fd:01:5678 0 EOF", key),
            None
        );
        assert_eq!(
            write_lock_holder("2: FLOCK  ADVISORY  WRITE 1234 fd:01:5679 0 EOF", key),
            None
        );
        assert_eq!(write_lock_holder("", key), None);
    }

    #[test]
    fn the_holder_of_a_held_lock_is_found_with_its_start() {
        let dir = std::env::temp_dir().join(format!("uvcc-proc-locks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lock = dir.join(".lock");
        std::fs::write(&lock, "").unwrap();
        let holder = std::fs::File::open(&lock).unwrap();
        holder.lock().unwrap();
        let starts = lock_holder_starts(std::slice::from_ref(&lock));
        drop(holder);
        let _ = std::fs::remove_dir_all(&dir);
        let starts = starts.expect("this process holds it");
        assert_eq!(starts.len(), 1, "{starts:?}");
        assert!(starts[0].is_some_and(|start| start <= SystemTime::now()), "{starts:?}");
    }
}
