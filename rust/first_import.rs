//! Whether this start is an import-only run that discovers the extension for
//! the first time.
//!
//! Godot's editor crashes at exit (`signal 11`, after all its work is done)
//! when a run that only imports (`--import`, an export, which imports first,
//! or `--editor --quit`, the import step of CI scripts written before 4.2's
//! `--import`) discovers a GDExtension that registers classes: a race in the
//! editor's documentation generation for extension classes at shutdown
//! (Godot issues #111048 and #123511). It is not this extension's doing:
//! measured in the 4.7 editor, a 50-line C extension that registers one
//! abstract class crashes the same way, with the same backtrace, on every
//! first import, and one that registers no class never does; the next run,
//! which loads the extension at start-up from `.godot/extension_list.cfg`, is
//! clean. But it fails users' CI pipelines, whose first step is such an
//! import.
//!
//! Such a run never calls our classes: it imports and quits. So the entry
//! point registers nothing in it (see `crate::startup`), the editor still
//! records the extension in its list, and from the next start on the classes
//! are registered as usual.
//!
//! Not every Godot has the race ([`EXIT_CRASH_SINCE`]): where it cannot
//! happen, an import-only run registers as any other does, and the scripts
//! that name the classes compile there (Godot 4.3's first import compiles
//! every script of the project).
//!
//! "Discovers" is told from how Godot loads the library, not from files: the
//! editor writes `.godot/extension_list.cfg` before it loads what it found,
//! so the list names the extension either way. A library listed there is
//! loaded while the engine starts, before the editor exists; a discovered
//! one is loaded by the running editor. The entry point asks Godot which
//! when the scene level initialises (the first moment every Godot from 4.3
//! on can answer without an error), and only in an import-only run.

use std::ffi::OsString;

/// The command-line flags of a run that imports the project and quits:
/// `--quit` (`-q`) quits after the first iteration, which in an editor is
/// right after its first scan (measured: `--editor --quit` on a fresh project
/// crashes as `--import` does, and `--quit-after 200` does not).
pub(crate) const IMPORT_ONLY_FLAGS: [&str; 7] = [
    "--import",
    "--export-release",
    "--export-debug",
    "--export-pack",
    "--export-patch",
    "--quit",
    "-q",
];

/// True if `args` (the process's command line) ask for a run that imports
/// and quits: one of [`IMPORT_ONLY_FLAGS`] before any user arguments (`--` or
/// `++`).
pub(crate) fn import_only(args: impl IntoIterator<Item = OsString>) -> bool {
    args.into_iter()
        .take_while(|arg| arg != "--" && arg != "++")
        .any(|arg| IMPORT_ONLY_FLAGS.iter().any(|flag| arg == *flag))
}

/// The first Godot version, as `(major, minor)`, whose editor may crash at
/// exit in an import-only run that discovers a class-registering extension.
///
/// - 4.7: measured here, the control extension of `tests/engine/godot_editor_linux.sh`
///   crashes on every first import (also Godot #123511, on 4.7.2).
/// - 4.5 and 4.6: reported (Godot #111048 reproduces it from 4.5.beta4, the
///   oldest version its reproduction project runs on).
/// - 4.4: neither measured nor reported either way, so assumed to crash:
///   standing aside there costs one line of information and the classes in
///   that one run, a crash fails the user's CI.
/// - 4.3: measured here, the 4.3-stable editor never crashes (the control
///   extension and this one, on `--import` and `--editor --quit`), so
///   `tests/engine/godot_editor_linux.sh` fails if the stand-aside line shows there.
pub(crate) const EXIT_CRASH_SINCE: (u32, u32) = (4, 4);

/// True if an import-only run of the Godot `version` (`(major, minor)`) may
/// crash at exit with classes registered. An unknown version may.
pub(crate) fn exit_crash_possible(version: Option<(u32, u32)>) -> bool {
    version.is_none_or(|version| version >= EXIT_CRASH_SINCE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn import_and_export_runs_are_import_only() {
        for flag in IMPORT_ONLY_FLAGS {
            assert!(
                import_only(args(&["godot", "--headless", "--path", "p", flag])),
                "{flag}"
            );
        }
    }

    #[test]
    fn other_runs_and_user_arguments_are_not() {
        assert!(!import_only(args(&["godot", "--headless", "--editor", "--path", "p"])));
        assert!(!import_only(args(&["godot", "--headless", "res://tests/suite.tscn"])));
        assert!(!import_only(args(&["godot", "--path", "p", "--", "--import"])));
        assert!(!import_only(args(&["godot", "--path", "p", "++", "--export-release"])));
        assert!(!import_only(args(&["godot", "--importer"])));
        assert!(!import_only(args(&["godot", "--editor", "--quit-after", "200"])));
        assert!(!import_only(args(&[])));
    }

    #[test]
    fn only_godot_4_4_and_later_or_an_unknown_version_may_crash() {
        assert!(!exit_crash_possible(Some((4, 3))));
        for version in [(4, 4), (4, 5), (4, 7), (5, 0)] {
            assert!(exit_crash_possible(Some(version)), "{version:?}");
        }
        assert!(exit_crash_possible(None));
    }
}
