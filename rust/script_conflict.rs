//! Whether a project script already declares `class_name McpUvCacheCleanup`.
//!
//! godot-ai ships a GDScript class of that name. Godot refuses to compile a
//! script whose `class_name` hides a native class ("Class "McpUvCacheCleanup"
//! hides a native class"), and every script that preloads it fails with it, so
//! registering our native class next to an unmodified godot-ai would break the
//! whole plugin. The extension's entry point asks [`find_conflict`] first and,
//! on a conflict, registers every class but that one and says so once (see
//! `binding::entry`).
//!
//! A conflict is a script file that declares the class *now*: the editor's
//! global class cache names candidates (any path), godot-ai's known path is
//! always checked (the cache may not exist yet), and each candidate is read,
//! because the cache is stale right after the file was replaced. Without a
//! cache (a project never opened in the editor) every `.gd` file is read, up
//! to [`MAX_SCANNED_SCRIPTS`] of them among the first [`MAX_SCANNED_ENTRIES`]
//! entries of the tree. Nothing is written.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The class this extension registers, and that a script must not declare.
pub const NATIVE_CLASS_NAME: &str = "McpUvCacheCleanup";

/// The words of the stand-aside line that the coexistence stages count
/// (tests/engine/godot_engines.sh's `rust_line` reads it from here: keep it a
/// one-line literal). It names [`NATIVE_CLASS_NAME`] (a unit test checks).
pub const STAND_ASIDE_LINE: &str = "declares `class_name McpUvCacheCleanup`, so the native class is not active";

/// Where godot-ai keeps its GDScript version of the class, from the project
/// directory.
pub const GODOT_AI_SCRIPT: &str = "addons/godot_ai/utils/uv_cache_cleanup.gd";

/// The editor's cache of every script `class_name`, from the project directory.
pub const CLASS_CACHE: &str = ".godot/global_script_class_cache.cfg";

/// How many `.gd` files a project without a class cache is searched through;
/// a bound on start-up time, far above a real addon-sized project.
pub const MAX_SCANNED_SCRIPTS: usize = 20_000;

/// How many directory entries (files and directories) that search visits:
/// the bound on start-up time when the tree is far larger than a project.
/// Several times the files of a large game project (its `.import` files
/// included); on the 2-core development machine a release build walks
/// 190,000 entries of `/usr` in 0.77 s (warm cache), so this bound is about
/// 0.4 s.
pub const MAX_SCANNED_ENTRIES: usize = 100_000;

/// The marker of a Godot project directory.
const PROJECT_FILE: &str = "project.godot";

/// A project script that declares [`NATIVE_CLASS_NAME`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The script, as a `res://` path.
    pub script: String,
}

impl Conflict {
    /// The one line the Output shows: what was found, that the native class
    /// is not active, and the fix.
    pub fn message(&self) -> String {
        let fix = if self.script == format!("res://{GODOT_AI_SCRIPT}") {
            "replace that file with addons/mcp_uv_cache_cleanup/integrations/godot_ai/uv_cache_cleanup.gd \
             (one file, no other edit; see the addon's README)"
                .to_owned()
        } else {
            format!("remove `class_name {NATIVE_CLASS_NAME}` from that script, or rename it")
        };
        format!(
            "McpUvCacheCleanup (native): {} {STAND_ASIDE_LINE} and that script keeps working; the addon's \
             editor plugin still sweeps natively (McpUvCacheSweep). To make that script's callers sweep \
             natively too, {fix}, then restart Godot.",
            self.script
        )
    }
}

/// The project directory a library at `library` belongs to: the nearest
/// ancestor holding `project.godot`.
pub fn project_dir_of(library: &Path) -> Option<PathBuf> {
    library
        .ancestors()
        .skip(1)
        .find(|dir| is_project_dir(dir))
        .map(Path::to_path_buf)
}

/// True if `dir` holds a `project.godot`: a Godot project directory, whose
/// scripts [`find_conflict`] may read. Any other directory (the one an
/// exported game was started from, say) is not searched.
pub fn is_project_dir(dir: &Path) -> bool {
    dir.join(PROJECT_FILE).is_file()
}

/// The first project script that declares [`NATIVE_CLASS_NAME`], if any.
/// Unreadable files count as not declaring it.
pub fn find_conflict(project: &Path) -> Option<Conflict> {
    let known = format!("res://{GODOT_AI_SCRIPT}");
    let candidates = match fs::read_to_string(project.join(CLASS_CACHE)) {
        Ok(cache) => {
            let mut paths = cached_script_paths(&cache, NATIVE_CLASS_NAME);
            if !paths.contains(&known) {
                paths.push(known);
            }
            paths
        }
        Err(_) => all_scripts(project, MAX_SCANNED_ENTRIES),
    };
    candidates
        .into_iter()
        .find(|script| {
            let file = script.strip_prefix("res://").map(|relative| project.join(relative));
            file.and_then(|file| fs::read_to_string(file).ok())
                .is_some_and(|source| declares_class(&source, NATIVE_CLASS_NAME))
        })
        .map(|script| Conflict { script })
}

/// True if the GDScript `source` declares `class_name <class>`: a line that,
/// after any annotations (`@tool`, `@icon(...)`), starts with `class_name`
/// followed by the name. Comments and strings never match, as they cannot
/// start a line with `class_name`.
pub fn declares_class(source: &str, class: &str) -> bool {
    source.lines().any(|line| {
        let mut rest = line.trim_start();
        while let Some(annotated) = rest.strip_prefix('@') {
            rest = skip_annotation(annotated);
        }
        let Some(after) = rest.strip_prefix("class_name") else {
            return false;
        };
        let mut words = after.split(|c: char| c.is_whitespace() || c == '#');
        after.starts_with(char::is_whitespace) && words.find(|word| !word.is_empty()) == Some(class)
    })
}

/// After the `@` of an annotation: skips its name and any `(...)` argument,
/// and the white space after it.
fn skip_annotation(annotated: &str) -> &str {
    let name_end = annotated
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(annotated.len());
    let mut rest = &annotated[name_end..];
    if rest.starts_with('(') {
        rest = rest.find(')').map_or("", |close| &rest[close + 1..]);
    }
    rest.trim_start()
}

/// The `path` of each entry of the class cache `cache` whose `class` is
/// `class`. The file is Godot's text format: one `{ ... }` Dictionary per
/// class, with `"class": &"Name"` and `"path": "res://..."` lines.
pub fn cached_script_paths(cache: &str, class: &str) -> Vec<String> {
    let wanted = format!("&\"{class}\"");
    cache
        .split('{')
        .skip(1)
        .filter(|entry| field(entry, "class").is_some_and(|value| value == wanted))
        .filter_map(|entry| field(entry, "path"))
        .filter_map(|value| value.strip_prefix('"')?.strip_suffix('"').map(str::to_owned))
        .collect()
}

/// The raw value of `"name": value` in one cache entry, up to the end of its
/// line or a closing brace.
fn field<'a>(entry: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\":");
    let start = entry.find(&key)? + key.len();
    let value = entry[start..].split(['\n', '}']).next()?;
    Some(value.trim().trim_end_matches(','))
}

/// Every `.gd` file of the project as a `res://` path, skipping what Godot
/// skips (hidden directories such as `.godot`, and directories with a
/// `.gdignore`), at most [`MAX_SCANNED_SCRIPTS`] among the first
/// `max_entries` entries of the walk.
pub fn all_scripts(project: &Path, max_entries: usize) -> Vec<String> {
    WalkDir::new(project)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| {
            let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
            let ignored = entry.file_type().is_dir() && entry.path().join(".gdignore").exists();
            !hidden && !ignored
        })
        .take(max_entries)
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "gd"))
        .take(MAX_SCANNED_SCRIPTS)
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(project).ok()?;
            let parts: Vec<_> = relative.iter().map(|part| part.to_string_lossy()).collect();
            Some(format!("res://{}", parts.join("/")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stand_aside_line_names_the_class_and_is_in_the_message() {
        assert!(STAND_ASIDE_LINE.contains(&format!("`class_name {NATIVE_CLASS_NAME}`")));
        let conflict = Conflict {
            script: format!("res://{GODOT_AI_SCRIPT}"),
        };
        assert!(conflict.message().contains(STAND_ASIDE_LINE), "{}", conflict.message());
    }

    #[test]
    fn declarations_are_recognised_with_annotations_and_comments() {
        let yes = [
            "class_name McpUvCacheCleanup",
            "@tool\nclass_name McpUvCacheCleanup\nextends RefCounted",
            "@tool class_name McpUvCacheCleanup extends RefCounted",
            "@icon(\"res://x.svg\") class_name McpUvCacheCleanup",
            "class_name   McpUvCacheCleanup # the sweeper",
            "class_name McpUvCacheCleanup#no space",
        ];
        for source in yes {
            assert!(declares_class(source, NATIVE_CLASS_NAME), "{source:?}");
        }
        let no = [
            "",
            "# class_name McpUvCacheCleanup",
            "class_name McpUvCacheCleanupOld",
            "class_name Other",
            "class_nameMcpUvCacheCleanup",
            "var s := \"class_name McpUvCacheCleanup\"",
            "const X := preload(\"res://addons/godot_ai/utils/uv_cache_cleanup.gd\")",
        ];
        for source in no {
            assert!(!declares_class(source, NATIVE_CLASS_NAME), "{source:?}");
        }
    }

    #[test]
    fn cache_entries_give_the_paths_of_the_class() {
        let cache = r#"list=[{
"base": &"RefCounted",
"class": &"McpUvCacheSweepHook",
"icon": "",
"path": "res://addons/mcp_uv_cache_cleanup/uv_cache_sweep_hook.gd"
}, {
"base": &"RefCounted",
"class": &"McpUvCacheCleanup",
"icon": "",
"is_tool": true,
"language": &"GDScript",
"path": "res://somewhere/else.gd"
}]
"#;
        assert_eq!(
            cached_script_paths(cache, NATIVE_CLASS_NAME),
            ["res://somewhere/else.gd"]
        );
        assert!(cached_script_paths("list=[]\n", NATIVE_CLASS_NAME).is_empty());
    }
}
