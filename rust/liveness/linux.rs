//! Linux: the running processes from `/proc`.
//!
//! For each process: `exe` and `cwd` (links), `cmdline` (all arguments),
//! every link in `fd/` (open files) and `maps` (mapped files), and the start
//! time from `stat`. A process that exits while it is read, or that this user
//! may not read, is skipped; only an unreadable `/proc` is an error.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::ProcessUse;

/// Reads every process in `/proc` except `except`, one at a time, and hands
/// each to `visit`; returns how many.
pub(super) fn visit_processes(except: u32, visit: &mut dyn FnMut(ProcessUse)) -> Result<usize, String> {
    let proc_root = Path::new("/proc");
    let entries = fs::read_dir(proc_root).map_err(|err| format!("cannot list /proc: {err}"))?;
    let boot_time = boot_time();
    let mut count = 0;
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        if pid == except {
            continue;
        }
        if let Some(process) = read_process(&entry.path(), pid, boot_time) {
            visit(process);
            count += 1;
        }
    }
    if count == 0 && fs::metadata("/proc/self/stat").is_err() {
        return Err("/proc shows no process".to_owned());
    }
    Ok(count)
}

/// One process, or `None` if it is gone or not ours to read.
fn read_process(dir: &Path, pid: u32, boot_time: Option<SystemTime>) -> Option<ProcessUse> {
    // `stat` is readable for every process; whether the rest is, decides.
    let stat = fs::read(dir.join("stat")).ok()?;
    let mut process = ProcessUse {
        pid,
        started: boot_time.and_then(|boot| started(&stat, boot)),
        ..ProcessUse::default()
    };
    for link in ["exe", "cwd"] {
        if let Ok(target) = fs::read_link(dir.join(link)) {
            process.mention(target.as_os_str().as_bytes());
        }
    }
    if let Ok(command_line) = fs::read(dir.join("cmdline")) {
        process.mention(&command_line);
    }
    if let Ok(fds) = fs::read_dir(dir.join("fd")) {
        for fd in fds.flatten() {
            if let Ok(target) = fs::read_link(fd.path()) {
                process.open_file(target.into_os_string().into_vec());
            }
        }
    }
    if let Ok(maps) = fs::read(dir.join("maps")) {
        process.mention(&maps);
    }
    Some(process)
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
    let stat = fs::read_to_string("/proc/stat").ok()?;
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
        let stat = fs::read("/proc/self/stat").unwrap();
        let boot = boot_time().unwrap();
        let start = started(&stat, boot).unwrap();
        assert!(start >= boot);
        assert!(start <= SystemTime::now() + Duration::from_secs(2));
    }
}
