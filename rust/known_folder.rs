//! Windows known folders (`SHGetKnownFolderPath`), uv's fallback when
//! `LOCALAPPDATA`, `APPDATA` or `PROGRAMDATA` is unset or empty. The calls
//! and folder IDs come from `windows-sys`; the crate documentation lists
//! every `unsafe` call site.

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
    use std::ffi::OsString;
    use std::os::windows::ffi::OsStringExt;
    use std::path::PathBuf;

    use windows_sys::core::GUID;
    use windows_sys::Win32::System::Com::CoTaskMemFree;
    use windows_sys::Win32::UI::Shell::{
        FOLDERID_LocalAppData, FOLDERID_ProgramData, FOLDERID_RoamingAppData, SHGetKnownFolderPath, KF_FLAG_DEFAULT,
    };

    use super::KnownFolder;

    fn id(folder: KnownFolder) -> GUID {
        match folder {
            KnownFolder::LocalAppData => FOLDERID_LocalAppData,
            KnownFolder::RoamingAppData => FOLDERID_RoamingAppData,
            KnownFolder::ProgramData => FOLDERID_ProgramData,
        }
    }

    pub(super) fn known_folder(folder: KnownFolder) -> Option<PathBuf> {
        let id = id(folder);
        let mut path: *mut u16 = std::ptr::null_mut();
        // SAFETY: a valid folder ID, no token (the current user), and an
        // out-pointer the call fills; the buffer is freed below whatever the
        // result, as the documentation requires.
        let result = unsafe { SHGetKnownFolderPath(&id, KF_FLAG_DEFAULT as u32, std::ptr::null_mut(), &mut path) };
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
