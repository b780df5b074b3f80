//! Windows known folders (`SHGetKnownFolderPath`), uv's fallback when
//! `LOCALAPPDATA`, `APPDATA` or `PROGRAMDATA` is unset or empty.
//!
//! Two system calls, declared here rather than through a bindings crate,
//! because these two are all this module needs (shell32 and ole32 are on
//! every Windows); the crate documentation lists every `unsafe` call site.

use std::path::PathBuf;

/// A Windows known folder uv falls back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownFolder {
    /// `FOLDERID_LocalAppData`, when `LOCALAPPDATA` is unset or empty.
    LocalAppData,
    /// `FOLDERID_RoamingAppData`, when `APPDATA` is unset or empty.
    RoamingAppData,
    /// `FOLDERID_ProgramData`, when `PROGRAMDATA` is unset or empty.
    ProgramData,
}

/// The path of `folder`, or `None` where Windows has none (and on every other
/// system).
pub fn known_folder(folder: KnownFolder) -> Option<PathBuf> {
    imp::known_folder(folder)
}

#[cfg(windows)]
mod imp {
    use std::ffi::{c_void, OsString};
    use std::os::windows::ffi::OsStringExt;
    use std::path::PathBuf;

    use super::KnownFolder;

    #[repr(C)]
    struct Guid {
        data1: u32,
        data2: u16,
        data3: u16,
        data4: [u8; 8],
    }

    #[link(name = "shell32")]
    extern "system" {
        fn SHGetKnownFolderPath(id: *const Guid, flags: u32, token: *mut c_void, path: *mut *mut u16) -> i32;
    }

    #[link(name = "ole32")]
    extern "system" {
        fn CoTaskMemFree(memory: *mut c_void);
    }

    /// The folder IDs, from the Windows SDK's KnownFolders.h.
    fn id(folder: KnownFolder) -> Guid {
        match folder {
            // {F1B32785-6FBA-4FCF-9D55-7B8E7F157091}
            KnownFolder::LocalAppData => Guid {
                data1: 0xF1B3_2785,
                data2: 0x6FBA,
                data3: 0x4FCF,
                data4: [0x9D, 0x55, 0x7B, 0x8E, 0x7F, 0x15, 0x70, 0x91],
            },
            // {3EB685DB-65F9-4CF6-A03A-E3EF65729F3D}
            KnownFolder::RoamingAppData => Guid {
                data1: 0x3EB6_85DB,
                data2: 0x65F9,
                data3: 0x4CF6,
                data4: [0xA0, 0x3A, 0xE3, 0xEF, 0x65, 0x72, 0x9F, 0x3D],
            },
            // {62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}
            KnownFolder::ProgramData => Guid {
                data1: 0x62AB_5D82,
                data2: 0xFDC1,
                data3: 0x4DC3,
                data4: [0xA9, 0xDD, 0x07, 0x0D, 0x1D, 0x49, 0x5D, 0x97],
            },
        }
    }

    pub(super) fn known_folder(folder: KnownFolder) -> Option<PathBuf> {
        let id = id(folder);
        let mut path: *mut u16 = std::ptr::null_mut();
        // SAFETY: a valid folder ID, no token (the current user), and an
        // out-pointer the call fills; the buffer is freed below whatever the
        // result, as the documentation requires.
        let result = unsafe { SHGetKnownFolderPath(&id, 0, std::ptr::null_mut(), &mut path) };
        let folder = (result == 0 && !path.is_null()).then(|| {
            // SAFETY: on success `path` is a NUL-terminated wide string.
            let length = (0..).take_while(|&i| unsafe { *path.add(i) } != 0).count();
            // SAFETY: `length` wide characters precede the NUL.
            PathBuf::from(OsString::from_wide(unsafe { std::slice::from_raw_parts(path, length) }))
        });
        // SAFETY: allocated by SHGetKnownFolderPath (null is allowed).
        unsafe { CoTaskMemFree(path.cast()) };
        folder
    }
}

#[cfg(not(windows))]
mod imp {
    use std::path::PathBuf;

    use super::KnownFolder;

    pub(super) fn known_folder(_folder: KnownFolder) -> Option<PathBuf> {
        None
    }
}
