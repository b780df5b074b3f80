//! Windows: the running processes from the Tool Help snapshots.
//!
//! One process snapshot lists every process; one module snapshot per process
//! lists its image (the first module) and every DLL and `.pyd` it has
//! loaded. Why Tool Help rather than the Restart Manager: the Restart
//! Manager answers "who uses these files", so it would need every file of
//! every candidate directory registered (a build venv holds thousands), and
//! it answers per file, not per directory; the snapshots answer for a whole
//! directory at once, with two `kernel32` calls that exist on every Windows
//! (and in Wine). They do not show open files, working directories or
//! command lines (see the module documentation of `liveness`).
//!
//! A process whose modules cannot be read (protected, another user's) still
//! has its image checked: `QueryFullProcessImageNameW` needs only the
//! limited query right, which Windows grants for nearly every process. Wine 8
//! for arm64 answers every module snapshot with "Access denied", so there
//! only images are checked. A process neither answers is skipped (a uv
//! sharing this user's cache runs as this user); when not one can be read,
//! the check is unavailable.

use std::ffi::OsString;
use std::mem::size_of;
use std::ops::ControlFlow;
use std::os::windows::ffi::{OsStrExt, OsStringExt};
use std::os::windows::io::{AsRawHandle, HandleOrInvalid, HandleOrNull, OwnedHandle};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use windows_sys::Win32::Foundation::{ERROR_BAD_LENGTH, ERROR_MORE_DATA, ERROR_SUCCESS, FILETIME, HANDLE};
use windows_sys::Win32::System::Diagnostics::ToolHelp::{
    CreateToolhelp32Snapshot, Module32FirstW, Module32NextW, Process32FirstW, Process32NextW,
    CREATE_TOOLHELP_SNAPSHOT_FLAGS, MODULEENTRY32W, PROCESSENTRY32W, TH32CS_SNAPMODULE, TH32CS_SNAPMODULE32,
    TH32CS_SNAPPROCESS,
};
use windows_sys::Win32::System::RestartManager::{
    RmEndSession, RmGetList, RmRegisterResources, RmStartSession, CCH_RM_SESSION_KEY, RM_PROCESS_INFO,
};
use windows_sys::Win32::System::Threading::{
    OpenProcess, QueryFullProcessImageNameW, PROCESS_NAME_WIN32, PROCESS_QUERY_LIMITED_INFORMATION,
};

use super::{comparable, ProcessUse};

/// Long enough for any Windows path (`\\?\` paths reach 32,767 units).
const LONGEST_PATH: usize = 32_768;

/// A snapshot handle, closed when dropped (std's `OwnedHandle`).
struct Snapshot(OwnedHandle);

impl Snapshot {
    fn take(flags: CREATE_TOOLHELP_SNAPSHOT_FLAGS, process_id: u32) -> std::io::Result<Snapshot> {
        // SAFETY: plain system call; it returns INVALID_HANDLE_VALUE on
        // failure, or a handle owned by the caller.
        let handle = unsafe { HandleOrInvalid::from_raw_handle(CreateToolhelp32Snapshot(flags, process_id)) };
        OwnedHandle::try_from(handle)
            .map(Snapshot)
            .map_err(|_| std::io::Error::last_os_error())
    }

    fn raw(&self) -> HANDLE {
        self.0.as_raw_handle()
    }
}

/// Reads every process but `except`, with its image and loaded modules, one
/// at a time, and hands each to `visit` until it breaks; returns how many
/// were read.
pub(super) fn visit_processes(
    except: u32,
    _full_read_after: Option<SystemTime>,
    visit: &mut dyn FnMut(ProcessUse) -> ControlFlow<()>,
) -> Result<usize, String> {
    let snapshot = Snapshot::take(TH32CS_SNAPPROCESS, 0).map_err(|err| format!("cannot list the processes: {err}"))?;
    // SAFETY: an all-zero PROCESSENTRY32W is valid; `dwSize` is set as the API requires.
    let mut entry: PROCESSENTRY32W = unsafe { std::mem::zeroed() };
    entry.dwSize = size_of::<PROCESSENTRY32W>() as u32;
    let mut pids = Vec::new();
    // SAFETY: `entry` is a valid, sized PROCESSENTRY32W for the whole loop.
    let mut more = unsafe { Process32FirstW(snapshot.raw(), &mut entry) } != 0;
    while more {
        if entry.th32ProcessID != except && entry.th32ProcessID != 0 {
            pids.push(entry.th32ProcessID);
        }
        // SAFETY: as above.
        more = unsafe { Process32NextW(snapshot.raw(), &mut entry) } != 0;
    }
    if pids.is_empty() {
        return Err("the process list is empty".to_owned());
    }
    let listed = pids.len();
    let mut count = 0;
    let mut last_error = None;
    for pid in pids {
        match process_modules(pid) {
            Ok(process) => {
                count += 1;
                if visit(process).is_break() {
                    break;
                }
            }
            Err(err) => last_error = Some(err),
        }
    }
    // Some processes are always closed to us (the system's, protected ones),
    // but this user's own never are: when not one could be read, the check
    // did not happen, and saying "processes" would hide that.
    match last_error {
        Some(err) if count == 0 => Err(format!(
            "the modules of none of the {listed} running processes could be read: {err}"
        )),
        _ => Ok(count),
    }
}

/// The image and modules of `pid`; its image only when its modules cannot be
/// read; or why neither can.
fn process_modules(pid: u32) -> std::io::Result<ProcessUse> {
    let mut process = ProcessUse {
        pid,
        ..ProcessUse::default()
    };
    let snapshot = match module_snapshot(pid) {
        Ok(snapshot) => snapshot,
        Err(modules_error) => {
            let image = image_path(pid).map_err(|_| modules_error)?;
            process.mention(&comparable(&image));
            return Ok(process);
        }
    };
    // SAFETY: an all-zero MODULEENTRY32W is valid; `dwSize` is set as the API requires.
    let mut entry: MODULEENTRY32W = unsafe { std::mem::zeroed() };
    entry.dwSize = size_of::<MODULEENTRY32W>() as u32;
    // SAFETY: `entry` is a valid, sized MODULEENTRY32W for the whole loop.
    let mut more = unsafe { Module32FirstW(snapshot.raw(), &mut entry) } != 0;
    while more {
        process.mention(&comparable(&wide_string(&entry.szExePath)));
        // SAFETY: as above.
        more = unsafe { Module32NextW(snapshot.raw(), &mut entry) } != 0;
    }
    Ok(process)
}

/// The full path of `pid`'s executable.
fn image_path(pid: u32) -> std::io::Result<OsString> {
    // SAFETY: plain system call; it returns null on failure, or a handle
    // owned by the caller, closed when `process` drops.
    let handle = unsafe { HandleOrNull::from_raw_handle(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid)) };
    let process = OwnedHandle::try_from(handle).map_err(|_| std::io::Error::last_os_error())?;
    let mut buffer = vec![0_u16; LONGEST_PATH];
    let mut length = LONGEST_PATH as u32;
    // SAFETY: `buffer` holds `length` units; the handle is open.
    let answered = unsafe {
        QueryFullProcessImageNameW(
            process.as_raw_handle(),
            PROCESS_NAME_WIN32,
            buffer.as_mut_ptr(),
            &mut length,
        )
    } != 0;
    if answered {
        Ok(OsString::from_wide(&buffer[..length as usize]))
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// A module snapshot of `pid`. Windows answers `ERROR_BAD_LENGTH` while the
/// process is loading or unloading a module; a few tries ride that out.
fn module_snapshot(pid: u32) -> std::io::Result<Snapshot> {
    let mut tries = 0;
    loop {
        match Snapshot::take(TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32, pid) {
            Err(err) if err.raw_os_error() == Some(ERROR_BAD_LENGTH as i32) && tries < 3 => tries += 1,
            result => return result,
        }
    }
}

/// A NUL-terminated UTF-16 buffer as an `OsString`.
fn wide_string(buffer: &[u16]) -> OsString {
    let len = buffer.iter().position(|unit| *unit == 0).unwrap_or(buffer.len());
    OsString::from_wide(&buffer[..len])
}

/// When each process that has one of `locks` open started, from the Restart
/// Manager (asked about just these files: it names the processes and their
/// start times); `None` when it cannot say, or names none but this one.
pub(super) fn lock_holder_starts(locks: &[PathBuf]) -> Option<Vec<Option<SystemTime>>> {
    let session = RestartManagerSession::start()?;
    let names: Vec<Vec<u16>> = locks
        .iter()
        .map(|lock| lock.as_os_str().encode_wide().chain(std::iter::once(0)).collect())
        .collect();
    let pointers: Vec<*const u16> = names.iter().map(|name| name.as_ptr()).collect();
    // SAFETY: `pointers` holds `len` NUL-terminated UTF-16 strings that
    // outlive the call; no applications or services are passed.
    let registered = unsafe {
        RmRegisterResources(
            session.0,
            pointers.len() as u32,
            pointers.as_ptr(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
        )
    };
    if registered != ERROR_SUCCESS {
        return None;
    }
    let mut infos: Vec<RM_PROCESS_INFO> = Vec::new();
    for _ in 0..4 {
        let mut needed = 0_u32;
        let mut count = infos.len() as u32;
        let mut reasons = 0_u32;
        let buffer = if infos.is_empty() {
            std::ptr::null_mut()
        } else {
            infos.as_mut_ptr()
        };
        // SAFETY: `buffer` holds `count` entries (or is null with 0).
        let answer = unsafe { RmGetList(session.0, &mut needed, &mut count, buffer, &mut reasons) };
        if answer == ERROR_SUCCESS {
            infos.truncate(count as usize);
            let own = std::process::id();
            let starts: Vec<Option<SystemTime>> = infos
                .iter()
                .filter(|info| info.Process.dwProcessId != own)
                .map(|info| system_time(info.Process.ProcessStartTime))
                .collect();
            return (!starts.is_empty()).then_some(starts);
        }
        if answer != ERROR_MORE_DATA {
            return None;
        }
        // SAFETY: an all-zero RM_PROCESS_INFO is valid plain data.
        infos = vec![unsafe { std::mem::zeroed() }; needed as usize];
    }
    None
}

/// A Restart Manager session, ended on drop.
struct RestartManagerSession(u32);

impl RestartManagerSession {
    fn start() -> Option<RestartManagerSession> {
        let mut handle = 0_u32;
        let mut key = [0_u16; CCH_RM_SESSION_KEY as usize + 1];
        // SAFETY: `key` has room for the session key and its NUL.
        let answer = unsafe { RmStartSession(&mut handle, 0, key.as_mut_ptr()) };
        (answer == ERROR_SUCCESS).then_some(RestartManagerSession(handle))
    }
}

impl Drop for RestartManagerSession {
    fn drop(&mut self) {
        // SAFETY: the session was started and is ended once.
        unsafe { RmEndSession(self.0) };
    }
}

/// A `FILETIME` (100 ns since 1601) as a time; `None` for zero.
fn system_time(time: FILETIME) -> Option<SystemTime> {
    let ticks = (u64::from(time.dwHighDateTime) << 32) | u64::from(time.dwLowDateTime);
    const UNIX_EPOCH_TICKS: u64 = 116_444_736_000_000_000;
    let since_unix = ticks.checked_sub(UNIX_EPOCH_TICKS).filter(|_| ticks != 0)?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_nanos(since_unix.saturating_mul(100)))
}
