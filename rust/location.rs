//! On which system the live sweep runs, and which Godot paths are refused.
//!
//! The lock pattern the sweep exists for (hard-linked `.pyd` files mapped by a
//! running Python) happens only on Windows, so everywhere else the live entry
//! point does nothing. Where uv's cache is on Windows is [`crate::uv_cache_dir`].

/// The OS name, as Godot's `OS.get_name()` reports it, on which the sweep runs.
pub(crate) const WINDOWS_OS_NAME: &str = "Windows";

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
