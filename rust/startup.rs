//! What the extension does when Godot loads it: register its classes, or
//! stand aside and register all but one (a script declares its name) or none
//! (a first import).
//!
//! The rules are plain Rust over the filesystem and the command line, so
//! tests run them without Godot; `binding::entry` only asks [`decide`] and
//! acts on the answer.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::first_import::{exit_crash_possible, import_only};
use crate::script_conflict::{find_conflict, is_project_dir, project_dir_of, Conflict};

/// What to do on load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Startup {
    /// Register the classes.
    Register,
    /// Say why once, and register every class but the one a script declares
    /// ([`StandAside::ScriptConflict`]) or none ([`StandAside::FirstImport`]).
    StandAside(StandAside),
    /// An import-only run on a Godot that may crash at exit in one
    /// (`first_import::EXIT_CRASH_SINCE`): register, unless the
    /// running editor is loading the library because it discovered it
    /// ([`at_scene_level`]). Godot can only be asked that when the scene
    /// level initialises.
    DecideAtSceneLevel,
}

/// Why the extension leaves out some or all of its classes in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandAside {
    /// A project script declares the class name ([`crate::script_conflict`]):
    /// `McpUvCacheCleanup` is left out, the other classes (`McpUvCacheSweep`,
    /// through which the addon's editor plugin sweeps) are registered,
    /// except in a crash-prone import, which registers none: a class
    /// registered there may crash Godot at exit (the `first_import` module),
    /// and no plugin runs in it.
    ScriptConflict {
        /// The script that declares the name.
        conflict: Conflict,
        /// Whether this run only imports, on a Godot that may crash at exit
        /// in such a run (`first_import::exit_crash_possible`).
        crash_prone_import: bool,
    },
    /// An import-only run discovering the extension for the first time
    /// (the `first_import` module); the classes come with the next start.
    FirstImport,
}

/// The words of the first-import line that the editor stage waits for
/// (tests/engine/godot_engines.sh's `rust_line` reads it from here: keep it a
/// one-line literal).
pub const FIRST_IMPORT_LINE: &str = "first import of this project, so no class is registered in this run";

impl StandAside {
    /// The line the Output or the log shows.
    pub fn message(&self) -> String {
        match self {
            StandAside::ScriptConflict { conflict, .. } => conflict.message(),
            StandAside::FirstImport => format!(
                "McpUvCacheCleanup (native): {FIRST_IMPORT_LINE} (it avoids Godot's crash at exit, issues #111048 \
                 and #123511); the classes are registered from the next start."
            ),
        }
    }

    /// True if the classes other than `McpUvCacheCleanup` are registered.
    pub fn registers_other_classes(&self) -> bool {
        matches!(
            self,
            StandAside::ScriptConflict {
                crash_prone_import: false,
                ..
            }
        )
    }

    /// True if the line is a warning: something the user should change. The
    /// first import is normal, so its line is information only.
    pub fn is_warning(&self) -> bool {
        matches!(self, StandAside::ScriptConflict { .. })
    }
}

/// Decides when Godot calls the entry point, for the library at `library`
/// (the path Godot loaded it from, if it could be read), the process's
/// command line `args` and the running Godot's `godot_version` (`(major,
/// minor)`, if it could be read). The project is the library's nearest
/// ancestor with a `project.godot`, else `current_dir` if it has one (the
/// editor runs in its project); with neither (an exported game, whose
/// library sits beside the executable) no script is searched. A script conflict
/// comes first: it holds in every run, not only the first. An import-only
/// run is set apart only on a Godot that may crash at exit in one
/// (`first_import::exit_crash_possible`); elsewhere it registers as any run does.
pub fn decide(
    library: Option<&Path>,
    args: impl IntoIterator<Item = OsString>,
    current_dir: Option<PathBuf>,
    godot_version: Option<(u32, u32)>,
) -> Startup {
    let crash_prone_import = import_only(args) && exit_crash_possible(godot_version);
    let project = library
        .and_then(project_dir_of)
        .or_else(|| current_dir.filter(|dir| is_project_dir(dir)));
    if let Some(conflict) = project.as_deref().and_then(find_conflict) {
        return Startup::StandAside(StandAside::ScriptConflict {
            conflict,
            crash_prone_import,
        });
    }
    if crash_prone_import {
        return Startup::DecideAtSceneLevel;
    }
    Startup::Register
}

/// The rest of [`Startup::DecideAtSceneLevel`]: stand aside if
/// `loaded_by_running_editor` (the editor discovered the library in this
/// import-only run), else register (`None`).
pub fn at_scene_level(loaded_by_running_editor: bool) -> Option<StandAside> {
    loaded_by_running_editor.then_some(StandAside::FirstImport)
}
