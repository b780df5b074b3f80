//! What the entry point does on load (`startup::decide`, then
//! `startup::at_scene_level`), on real project trees and command lines:
//! register, stand aside for a conflicting script, or stand aside in an
//! import-only run whose editor discovered the extension.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::*;
use mcp_uv_cache_cleanup::script_conflict::{all_scripts, GODOT_AI_SCRIPT, MAX_SCANNED_ENTRIES};
use mcp_uv_cache_cleanup::startup::{at_scene_level, decide, StandAside, Startup};

/// A project with the addon's library; returns its path.
fn library_in_project(scratch: &Scratch) -> PathBuf {
    let project = scratch.dir("project");
    write(project.join("project.godot"), "config_version=5\n");
    let library = project.join("addons/mcp_uv_cache_cleanup/bin/libmcp_uv_cache_cleanup.linux.x86_64.so");
    write(&library, "not a real library");
    library
}

/// The Godot these tests load in, unless they name one: 4.7, whose editor
/// crashes at exit in a first import.
const GODOT_4_7: Option<(u32, u32)> = Some((4, 7));

fn load(library: &Path, flags: &[&str]) -> Startup {
    load_in(GODOT_4_7, library, flags)
}

fn load_in(godot_version: Option<(u32, u32)>, library: &Path, flags: &[&str]) -> Startup {
    let args = std::iter::once("godot")
        .chain(flags.iter().copied())
        .map(OsString::from);
    decide(Some(library), args.collect::<Vec<_>>(), None, godot_version)
}

#[test]
fn an_import_only_run_decides_at_the_scene_level() {
    let scratch = Scratch::new("startup-import-only");
    let library = library_in_project(&scratch);
    for flag in ["--import", "--export-release", "--export-debug", "--export-pack"] {
        let startup = load(&library, &["--headless", "--path", "p", flag, "linux", "out"]);
        assert_eq!(startup, Startup::DecideAtSceneLevel, "{flag}");
    }
    // An editor run that quits after its first iteration imports and quits too.
    for quit in ["--quit", "-q"] {
        let startup = load(&library, &["--headless", "--editor", "--path", "p", quit]);
        assert_eq!(startup, Startup::DecideAtSceneLevel, "{quit}");
    }
}

#[test]
fn an_import_only_run_registers_where_godot_has_no_exit_crash() {
    let scratch = Scratch::new("startup-import-only-4-3");
    let library = library_in_project(&scratch);
    for flags in [&["--headless", "--import"][..], &["--headless", "--editor", "--quit"]] {
        assert_eq!(load_in(Some((4, 3)), &library, flags), Startup::Register, "{flags:?}");
        // 4.4 was never measured, and a version that cannot be read may be
        // any: both are treated as crashing.
        for version in [Some((4, 4)), None] {
            assert_eq!(
                load_in(version, &library, flags),
                Startup::DecideAtSceneLevel,
                "{version:?} {flags:?}"
            );
        }
    }
}

#[test]
fn at_the_scene_level_only_a_library_the_running_editor_loads_stands_aside() {
    assert_eq!(at_scene_level(true), Some(StandAside::FirstImport));
    assert_eq!(at_scene_level(false), None);
}

#[test]
fn every_run_that_is_not_import_only_registers() {
    let scratch = Scratch::new("startup-not-import");
    let library = library_in_project(&scratch);
    for flags in [
        &["--headless", "--editor", "--path", "p"][..],
        &["--headless", "res://tests/suite.tscn"],
        &["--headless", "res://x.tscn", "--", "--import"],
        &[],
    ] {
        assert_eq!(load(&library, flags), Startup::Register, "{flags:?}");
    }
}

#[test]
fn a_conflicting_script_stands_aside_in_every_run() {
    let scratch = Scratch::new("startup-conflict");
    let library = library_in_project(&scratch);
    write(
        scratch.path().join("project").join(GODOT_AI_SCRIPT),
        "@tool\nclass_name McpUvCacheCleanup\nextends RefCounted\n",
    );
    for (flags, registers_others) in [
        (&["--headless", "--import"][..], false),
        (&["--headless", "--editor", "--quit"], false),
        (&["--editor"], true),
        (&["--headless", "res://tests/suite.tscn"], true),
    ] {
        let Startup::StandAside(reason) = load(&library, flags) else {
            panic!("{flags:?}: registered next to a conflicting script");
        };
        assert!(
            matches!(reason, StandAside::ScriptConflict { .. }),
            "{flags:?}: {reason:?}"
        );
        assert!(reason.is_warning());
        assert!(reason.message().contains(GODOT_AI_SCRIPT));
        // An import-only run registers nothing at all: a class registered
        // there may crash Godot at exit (the first-import crash).
        assert_eq!(reason.registers_other_classes(), registers_others, "{flags:?}");
        // Godot 4.3 has no such crash: every run registers the other classes.
        let Startup::StandAside(reason) = load_in(Some((4, 3)), &library, flags) else {
            panic!("{flags:?}: registered next to a conflicting script in 4.3");
        };
        assert!(reason.registers_other_classes(), "4.3 {flags:?}");
    }
}

#[test]
fn the_first_import_line_is_information_naming_the_engine_issues() {
    let reason = StandAside::FirstImport;
    assert!(!reason.is_warning());
    assert!(reason.message().contains("#111048"), "{}", reason.message());
}

/// An exported game: the library sits beside the executable, in no project,
/// and the game may be started from any directory (a home directory, a
/// drive's root). That directory is searched only if it is a project: a
/// walk of anything else could hold the game's start for minutes.
#[test]
fn outside_a_project_no_directory_is_searched() {
    let scratch = Scratch::new("startup-outside");
    let library = scratch.dir("game").join("mcp_uv_cache_cleanup.windows.x86_64.dll");
    write(&library, "not a real library");
    let started_in = scratch.dir("started-in");
    write(
        started_in.join("some/where").join(GODOT_AI_SCRIPT),
        "class_name McpUvCacheCleanup\n",
    );
    let game = || {
        decide(
            Some(&library),
            ["game.exe"].map(OsString::from),
            Some(started_in.clone()),
            GODOT_4_7,
        )
    };
    assert_eq!(game(), Startup::Register, "searched a directory that is no project");

    // The editor runs in its project: there the current directory is
    // searched when the library's path is unknown.
    write(started_in.join("project.godot"), "config_version=5\n");
    let editor = decide(
        None,
        ["godot", "--editor"].map(OsString::from),
        Some(started_in.clone()),
        GODOT_4_7,
    );
    assert!(
        matches!(editor, Startup::StandAside(StandAside::ScriptConflict { .. })),
        "{editor:?}"
    );
}

/// A project without a class cache is searched through its first
/// `max_entries` entries only, whatever is below them.
#[test]
fn the_search_without_a_class_cache_stops_at_its_entry_bound() {
    let scratch = Scratch::new("startup-bound");
    let project = scratch.dir("project");
    for index in 0..50 {
        write(project.join(format!("scripts/s{index:02}.gd")), "extends Node\n");
    }
    assert_eq!(all_scripts(&project, MAX_SCANNED_ENTRIES).len(), 50);
    let bounded = all_scripts(&project, 10);
    assert!(bounded.len() < 10, "{} scripts from 10 entries", bounded.len());
}
