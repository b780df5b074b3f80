//! macOS: the running processes from libproc (part of libSystem).
//!
//! For each process: `proc_pidpath` (executable), `PROC_PIDVNODEPATHINFO`
//! (working directory), the `KERN_PROCARGS2` sysctl (command line),
//! `PROC_PIDLISTFDS` with `PROC_PIDFDVNODEPATHINFO` (open files),
//! `PROC_PIDREGIONPATHINFO` (mapped files) and `PROC_PIDTBSDINFO` (start
//! time). A process this user may not inspect, or that exits meanwhile, is
//! skipped. `libc` declares all of it but two structures, declared here from
//! XNU's `sys/proc_info.h` with their sizes checked at compile time.

use std::ffi::{c_int, c_void};
use std::mem::{size_of, zeroed};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::ptr::null_mut;
use std::time::SystemTime;

use libc::{
    proc_bsdinfo, proc_fdinfo, proc_vnodepathinfo, vnode_info_path, CTL_KERN, KERN_ARGMAX, KERN_PROCARGS2,
    PROC_PIDLISTFDS, PROC_PIDPATHINFO_MAXSIZE, PROC_PIDTBSDINFO, PROC_PIDVNODEPATHINFO, PROX_FDTYPE_VNODE,
};

use super::ProcessUse;

const PROC_PIDFDVNODEPATHINFO: c_int = 2;
const PROC_PIDREGIONPATHINFO: c_int = 8;
/// Bounds the walk over one process's memory regions.
const MAX_REGIONS: usize = 100_000;

/// `struct proc_fileinfo`.
#[repr(C)]
struct ProcFileInfo {
    open_flags: u32,
    status: u32,
    offset: i64,
    file_type: i32,
    guard_flags: u32,
}

/// `struct vnode_fdinfowithpath`.
#[repr(C)]
struct VnodeFdInfoWithPath {
    file: ProcFileInfo,
    vnode: vnode_info_path,
}

/// `struct proc_regioninfo`.
#[repr(C)]
struct ProcRegionInfo {
    protection: u32,
    max_protection: u32,
    inheritance: u32,
    flags: u32,
    offset: u64,
    behavior: u32,
    user_wired_count: u32,
    user_tag: u32,
    pages_resident: u32,
    pages_shared_now_private: u32,
    pages_swapped_out: u32,
    pages_dirtied: u32,
    ref_count: u32,
    shadow_depth: u32,
    share_mode: u32,
    private_pages_resident: u32,
    shared_pages_resident: u32,
    obj_id: u32,
    depth: u32,
    address: u64,
    size: u64,
}

/// `struct proc_regionwithpathinfo`.
#[repr(C)]
struct ProcRegionWithPathInfo {
    region: ProcRegionInfo,
    vnode: vnode_info_path,
}

// PROC_PIDFDVNODEPATHINFO_SIZE and PROC_PIDREGIONPATHINFO_SIZE.
const _: () = assert!(size_of::<vnode_info_path>() == 1176);
const _: () = assert!(size_of::<VnodeFdInfoWithPath>() == 1200);
const _: () = assert!(size_of::<ProcRegionWithPathInfo>() == 1272);

/// Reads every process but `except`, one at a time, and hands each to
/// `visit` until it breaks; returns how many were read.
pub(super) fn visit_processes(
    except: u32,
    _full_read_after: Option<SystemTime>,
    visit: &mut dyn FnMut(ProcessUse) -> ControlFlow<()>,
) -> Result<usize, String> {
    let pids = all_pids().ok_or_else(|| format!("proc_listallpids failed: {}", std::io::Error::last_os_error()))?;
    let argument_limit = argument_limit();
    let mut count = 0;
    for process in pids
        .into_iter()
        .filter(|pid| *pid > 0 && *pid as u32 != except)
        .filter_map(|pid| read_process(pid, argument_limit))
    {
        count += 1;
        if visit(process).is_break() {
            break;
        }
    }
    Ok(count)
}

/// Who holds uv's locks is not told here (libproc lists a process's open
/// files, not their locks): every build dir counts as a building uv's.
pub(super) fn lock_holder_starts(_locks: &[PathBuf]) -> Option<Vec<Option<SystemTime>>> {
    None
}

fn all_pids() -> Option<Vec<c_int>> {
    // SAFETY: a null buffer asks for the count only.
    let count = unsafe { libc::proc_listallpids(null_mut(), 0) };
    if count <= 0 {
        return None;
    }
    // Room for processes started since.
    let mut pids: Vec<c_int> = vec![0; count as usize + 64];
    let bytes = (pids.len() * size_of::<c_int>()) as c_int;
    // SAFETY: `pids` has room for `bytes` bytes.
    let found = unsafe { libc::proc_listallpids(pids.as_mut_ptr().cast(), bytes) };
    if found <= 0 {
        return None;
    }
    pids.truncate(found as usize);
    Some(pids)
}

/// One process, or `None` if it is gone or not ours to inspect.
fn read_process(pid: c_int, argument_limit: usize) -> Option<ProcessUse> {
    // Whether the process is there and ours to read (its BSD info says no
    // more that the rule needs).
    // SAFETY: an all-zero proc_bsdinfo is valid; the size passed is its own.
    let mut bsd: proc_bsdinfo = unsafe { zeroed() };
    if !pid_info(pid, PROC_PIDTBSDINFO, 0, &mut bsd) {
        return None;
    }
    let mut process = ProcessUse {
        pid: pid as u32,
        ..ProcessUse::default()
    };
    let mut path = vec![0u8; PROC_PIDPATHINFO_MAXSIZE as usize];
    // SAFETY: `path` has room for the size passed.
    let len = unsafe { libc::proc_pidpath(pid, path.as_mut_ptr().cast(), path.len() as u32) };
    if len > 0 {
        process.mention(&path[..len as usize]);
    }
    // SAFETY: as for proc_bsdinfo.
    let mut vnodes: proc_vnodepathinfo = unsafe { zeroed() };
    if pid_info(pid, PROC_PIDVNODEPATHINFO, 0, &mut vnodes) {
        process.mention(&c_path(&vnodes.pvi_cdir));
    }
    if let Some(arguments) = command_line(pid, argument_limit) {
        process.mention(&arguments);
    }
    for file in open_files(pid) {
        process.mention(&file);
    }
    mapped_files(pid, &mut process);
    Some(process)
}

/// `proc_pidinfo` into `out`; true if it filled the whole structure.
fn pid_info<T>(pid: c_int, flavor: c_int, argument: u64, out: &mut T) -> bool {
    let size = size_of::<T>() as c_int;
    // SAFETY: `out` is a valid `T` of `size` bytes.
    let filled = unsafe { libc::proc_pidinfo(pid, flavor, argument, (out as *mut T).cast::<c_void>(), size) };
    filled == size
}

/// The paths of the vnodes `pid` holds open.
fn open_files(pid: c_int) -> Vec<Vec<u8>> {
    // SAFETY: a null buffer asks for the size only.
    let bytes = unsafe { libc::proc_pidinfo(pid, PROC_PIDLISTFDS, 0, null_mut(), 0) };
    if bytes <= 0 {
        return Vec::new();
    }
    let room = bytes as usize / size_of::<proc_fdinfo>() + 16;
    // SAFETY: an all-zero proc_fdinfo is valid.
    let mut fds: Vec<proc_fdinfo> = (0..room).map(|_| unsafe { zeroed() }).collect();
    let size = (fds.len() * size_of::<proc_fdinfo>()) as c_int;
    // SAFETY: `fds` has room for `size` bytes.
    let filled = unsafe { libc::proc_pidinfo(pid, PROC_PIDLISTFDS, 0, fds.as_mut_ptr().cast(), size) };
    if filled <= 0 {
        return Vec::new();
    }
    fds.truncate(filled as usize / size_of::<proc_fdinfo>());
    fds.iter()
        .filter(|fd| fd.proc_fdtype == PROX_FDTYPE_VNODE as u32)
        .filter_map(|fd| {
            // SAFETY: an all-zero vnode_fdinfowithpath is valid.
            let mut info: VnodeFdInfoWithPath = unsafe { zeroed() };
            let size = size_of::<VnodeFdInfoWithPath>() as c_int;
            // SAFETY: `info` is a valid structure of `size` bytes.
            let filled = unsafe {
                libc::proc_pidfdinfo(
                    pid,
                    fd.proc_fd,
                    PROC_PIDFDVNODEPATHINFO,
                    (&mut info as *mut VnodeFdInfoWithPath).cast(),
                    size,
                )
            };
            (filled == size).then(|| c_path(&info.vnode))
        })
        .filter(|path| !path.is_empty())
        .collect()
}

/// Adds the files mapped into `pid`'s memory, region by region.
fn mapped_files(pid: c_int, process: &mut ProcessUse) {
    let mut address = 0u64;
    let mut last: Vec<u8> = Vec::new();
    for _ in 0..MAX_REGIONS {
        // SAFETY: an all-zero proc_regionwithpathinfo is valid.
        let mut info: ProcRegionWithPathInfo = unsafe { zeroed() };
        if !pid_info(pid, PROC_PIDREGIONPATHINFO, address, &mut info) {
            return;
        }
        let path = c_path(&info.vnode);
        // A library maps several regions in a row; one mention is enough.
        if !path.is_empty() && path != last {
            process.mention(&path);
            last = path;
        }
        let next = info.region.address.saturating_add(info.region.size);
        if next <= address {
            return;
        }
        address = next;
    }
}

/// The command line of `pid` (executable path and arguments, NUL-separated,
/// without the environment), from `KERN_PROCARGS2`: an `int` argc, the
/// executable path, padding NULs, then the arguments.
fn command_line(pid: c_int, limit: usize) -> Option<Vec<u8>> {
    let mut buffer = vec![0u8; limit];
    let mut size = buffer.len();
    let mut mib = [CTL_KERN, KERN_PROCARGS2, pid];
    // SAFETY: `buffer` has room for `size` bytes; `size` is updated to what was written.
    let status = unsafe {
        libc::sysctl(
            mib.as_mut_ptr(),
            mib.len() as u32,
            buffer.as_mut_ptr().cast(),
            &mut size,
            null_mut(),
            0,
        )
    };
    if status != 0 || size < size_of::<c_int>() {
        return None;
    }
    buffer.truncate(size);
    let argc = c_int::from_ne_bytes(buffer[..size_of::<c_int>()].try_into().ok()?);
    let text = &buffer[size_of::<c_int>()..];
    // The executable path, then argc arguments; each ends with a NUL, and
    // NULs pad the path.
    let mut end = text.iter().position(|byte| *byte == 0)?;
    let mut arguments_left = argc.max(0);
    while arguments_left > 0 && end < text.len() {
        while end < text.len() && text[end] == 0 {
            end += 1;
        }
        end += text[end..]
            .iter()
            .position(|byte| *byte == 0)
            .unwrap_or(text.len() - end);
        arguments_left -= 1;
    }
    Some(text[..end].to_vec())
}

/// `KERN_ARGMAX`: the most bytes a command line (with its environment) takes.
fn argument_limit() -> usize {
    let mut limit: c_int = 0;
    let mut size = size_of::<c_int>();
    let mut mib = [CTL_KERN, KERN_ARGMAX];
    // SAFETY: `limit` is an int of `size` bytes.
    let status = unsafe {
        libc::sysctl(
            mib.as_mut_ptr(),
            mib.len() as u32,
            (&mut limit as *mut c_int).cast(),
            &mut size,
            null_mut(),
            0,
        )
    };
    if status == 0 && limit > 0 {
        limit as usize
    } else {
        1 << 20
    }
}

/// The NUL-terminated path of a `vnode_info_path`.
fn c_path(vnode: &vnode_info_path) -> Vec<u8> {
    vnode
        .vip_path
        .iter()
        .flatten()
        .map(|c| *c as u8)
        .take_while(|byte| *byte != 0)
        .collect()
}
