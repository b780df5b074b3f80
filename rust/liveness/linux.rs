//! Linux: the running processes from `/proc`.
//!
//! For each process of this user: `exe` and `cwd` (links), `cmdline` (all
//! arguments), every link in `fd/` (open files) and `maps` (mapped files);
//! the start time from `stat` only for a process that holds a `.lock` open
//! (rule 2 needs it for a building uv alone). A process that exits while it is
//! read, or that this user may not read, is skipped; only an unreadable
//! `/proc` is an error.
//!
//! What keeps it cheap (`cargo bench --bench liveness`): every file is
//! opened relative to the process's `/proc/<pid>` directory (no path lookup
//! from `/` each time), one buffer is reused for every read, another user's
//! process is left after one `stat` of its directory, and a kernel thread
//! (no executable) after one `readlink`.

use std::ffi::{CStr, OsStr};
use std::fs::File;
use std::io::Read;
use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, SystemTime};

use rustix::fs::{openat, readlinkat_raw, statat, AtFlags, Dir, Mode, OFlags};

use super::ProcessUse;

/// Reads every process in `/proc` of this user except `except`, one at a
/// time, and hands each to `visit` until it breaks; returns how many were
/// read.
pub(super) fn visit_processes(
    except: u32,
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
    let entries = Dir::read_from(&proc_dir).map_err(|err| format!("cannot list /proc: {err}"))?;
    let mut reader = Reader::new();
    let mut count = 0;
    for entry in entries {
        let Ok(entry) = entry else { break };
        let name = entry.file_name();
        let Some(pid) = name.to_str().ok().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        if pid == except {
            continue;
        }
        // Another user's process: not a uv of this user's cache, and its
        // files are not ours to read anyway.
        match statat(&proc_dir, name, AtFlags::empty()) {
            Ok(stat) if stat.st_uid == own_uid => {}
            _ => continue,
        }
        let Ok(dir) = openat(
            &proc_dir,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        ) else {
            continue;
        };
        if let Some(process) = reader.read_process(dir.as_fd(), pid) {
            count += 1;
            if visit(process).is_break() {
                break;
            }
        }
    }
    Ok(count)
}

/// Reads processes with one reused buffer.
struct Reader {
    buffer: Vec<u8>,
    link: Vec<u8>,
    boot_time: Option<Option<SystemTime>>,
}

impl Reader {
    fn new() -> Reader {
        Reader {
            buffer: Vec::with_capacity(64 * 1024),
            link: Vec::with_capacity(4096),
            boot_time: None,
        }
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
        self.read_open_files(dir, &mut process);
        if let Some(maps) = self.read_file(dir, c"maps") {
            process.mention(maps);
        }
        if process.open_files.iter().any(|file| file.ends_with(b"/.lock")) {
            let boot_time = *self.boot_time.get_or_insert_with(boot_time);
            process.started = match (boot_time, self.read_file(dir, c"stat")) {
                (Some(boot), Some(stat)) => started(stat, boot),
                _ => None,
            };
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
                process.open_file(target.into_bytes());
            }
        }
    }
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

    #[test]
    fn a_child_of_this_user_is_read_with_its_links_and_open_files() {
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let mut seen = None;
        let count = visit_processes(std::process::id(), &mut |process| {
            if process.pid == child.id() {
                seen = Some(process);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        })
        .unwrap();
        let _ = child.kill();
        let _ = child.wait();
        let seen = seen.expect("the child is among this user's processes");
        assert!(count >= 1);
        let mentions = String::from_utf8_lossy(&seen.mentions);
        assert!(mentions.contains("sleep"), "{mentions}");
        assert!(!seen.open_files.is_empty(), "{seen:?}");
    }
}
