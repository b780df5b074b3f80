//! Where uv keeps its build venvs, and on which systems the sweep runs at all.
//!
//! The lock pattern the sweep exists for (hard-linked `.pyd` files mapped by a
//! running Python) happens only on Windows, so everywhere else the live entry
//! point does nothing. The OS name and the environment are inputs rather than
//! read here, so the Windows branch is tested on every platform.

use std::ffi::OsString;
use std::path::PathBuf;

/// The OS name, as Godot's `OS.get_name()` reports it, on which the sweep runs.
pub const WINDOWS_OS_NAME: &str = "Windows";

/// The environment variable that holds the per-user local app data folder.
pub const LOCAL_APPDATA_VAR: &str = "LOCALAPPDATA";

/// The builds directory below `%LOCALAPPDATA%`, one component at a time.
pub const BUILDS_ROOT_BELOW_LOCAL_APPDATA: [&str; 3] = ["uv", "cache", "builds-v0"];

/// The Godot path prefixes that promise a tree: the project, the user data.
pub const GODOT_TREE_PREFIXES: [&str; 2] = ["res://", "user://"];

/// True if `path` is a `res://` or `user://` path with a `..` component,
/// which can climb out of the tree its prefix promises (`res://../x` is
/// outside the project). Such a path is refused rather than swept.
pub fn climbs_out_of_godot_tree(path: &str) -> bool {
    GODOT_TREE_PREFIXES
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))
        .is_some_and(|rest| rest.split(['/', '\\']).any(|component| component == ".."))
}

/// Returns `<LOCALAPPDATA>/uv/cache/builds-v0` when `os_name` is `"Windows"`
/// and `env("LOCALAPPDATA")` is set and non-empty; `None` otherwise.
///
/// `env` is usually `std::env::var_os`. Backslashes in the variable need no
/// conversion: the path is joined with the platform's own separator.
pub fn stale_builds_root(os_name: &str, env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if os_name != WINDOWS_OS_NAME {
        return None;
    }
    let local_appdata = env(LOCAL_APPDATA_VAR).filter(|value| !value.is_empty())?;
    let mut root = PathBuf::from(local_appdata);
    root.extend(BUILDS_ROOT_BELOW_LOCAL_APPDATA);
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn env_with(value: Option<&str>) -> impl Fn(&str) -> Option<OsString> + '_ {
        move |name| {
            assert_eq!(name, LOCAL_APPDATA_VAR);
            value.map(OsString::from)
        }
    }

    #[test]
    fn windows_with_local_appdata_resolves_builds_v0() {
        let root = stale_builds_root("Windows", env_with(Some("/home/u/AppData/Local"))).unwrap();
        assert_eq!(
            root,
            Path::new("/home/u/AppData/Local")
                .join("uv")
                .join("cache")
                .join("builds-v0")
        );
    }

    #[test]
    fn other_systems_never_resolve() {
        for os in ["Linux", "macOS", "FreeBSD", "Android", "iOS", "Web", "windows", ""] {
            assert_eq!(
                stale_builds_root(os, env_with(Some("C:/Users/u/AppData/Local"))),
                None,
                "{os}"
            );
        }
    }

    #[test]
    fn godot_paths_that_climb_out_are_recognised() {
        for path in ["res://../outside", "user://a/../../b", "res://a\\..\\..", "user://.."] {
            assert!(climbs_out_of_godot_tree(path), "{path}");
        }
        for path in [
            "res://builds-v0",
            "user://a/..b/c",
            "user://a/b..",
            "/tmp/../x",
            "C:/x/../y",
            "",
        ] {
            assert!(!climbs_out_of_godot_tree(path), "{path}");
        }
    }

    #[test]
    fn missing_or_empty_local_appdata_never_resolves() {
        assert_eq!(stale_builds_root("Windows", env_with(None)), None);
        assert_eq!(stale_builds_root("Windows", env_with(Some(""))), None);
    }
}
