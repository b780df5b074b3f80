//! On which system the live sweep runs, and which Godot paths are refused.
//!
//! The lock pattern the sweep was first written for (hard-linked `.pyd` files
//! mapped by a running Python) happens only on Windows, so the drop-in entry
//! point sweeps there only; a killed uv leaves its build dirs on every
//! system, so the editor plugin sweeps uv's caches wherever uv runs. Where
//! uv's caches are is [`crate::uv_cache_dir`].

/// The OS name, as Godot's `OS.get_name()` reports it, on which the drop-in
/// sweep runs.
pub(crate) const WINDOWS_OS_NAME: &str = "Windows";

/// The families of systems whose uv cache rules differ, from Godot's
/// `OS.get_name()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum System {
    /// `"Windows"`: known folders and `%APPDATA%`.
    Windows,
    /// `"macOS"`: the XDG rules, after the legacy `~/Library/Caches/uv`.
    MacOs,
    /// `"Linux"` and the BSDs: the XDG rules.
    OtherUnix,
    /// Android, iOS, the Web, and any name not known: no uv runs there.
    WithoutUv,
}

impl System {
    /// The family of Godot's `OS.get_name()` (exact, case-sensitive names).
    pub(crate) fn from_os_name(os_name: &str) -> System {
        match os_name {
            WINDOWS_OS_NAME => System::Windows,
            "macOS" => System::MacOs,
            "Linux" | "FreeBSD" | "NetBSD" | "OpenBSD" | "BSD" => System::OtherUnix,
            _ => System::WithoutUv,
        }
    }
}

/// The Godot path prefixes that promise a tree: the project, the user data.
pub(crate) const GODOT_TREE_PREFIXES: [&str; 2] = ["res://", "user://"];

/// True if `path` is a `res://` or `user://` path with a `..` component,
/// which can climb out of the tree its prefix promises (`res://../x` is
/// outside the project). Such a path is refused rather than swept.
pub(crate) fn climbs_out_of_godot_tree(path: &str) -> bool {
    GODOT_TREE_PREFIXES
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))
        .is_some_and(|rest| rest.split(['/', '\\']).any(|component| component == ".."))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
