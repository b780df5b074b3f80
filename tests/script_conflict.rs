//! When the extension stands aside: the rules of `script_conflict` on real
//! project trees (what the entry point reads before registering anything).

mod common;

use std::fs;
use std::path::Path;

use common::*;
use mcp_uv_cache_cleanup::script_conflict::{find_conflict, project_dir_of, Conflict, GODOT_AI_SCRIPT};

const DECLARES: &str = "@tool\nclass_name McpUvCacheCleanup\nextends RefCounted\n";
const NO_CLASS_NAME: &str = "@tool\nextends RefCounted\n";

fn project(scratch: &Scratch) -> std::path::PathBuf {
    let project = scratch.dir("project");
    write(project.join("project.godot"), "config_version=5\n");
    project
}

fn cache_listing(project: &Path, script: &str) {
    write(
        project.join(".godot/global_script_class_cache.cfg"),
        &format!(
            "list=[{{\n\"base\": &\"RefCounted\",\n\"class\": &\"McpUvCacheCleanup\",\n\"icon\": \"\",\n\"path\": \"{script}\"\n}}]\n"
        ),
    );
}

fn conflict(script: &str) -> Option<Conflict> {
    Some(Conflict {
        script: script.to_owned(),
    })
}

#[test]
fn godot_ai_as_it_ships_is_a_conflict_with_or_without_a_cache() {
    let scratch = Scratch::new("conflict-godot-ai");
    let project = project(&scratch);
    write(project.join(GODOT_AI_SCRIPT), DECLARES);
    let known = format!("res://{GODOT_AI_SCRIPT}");
    assert_eq!(find_conflict(&project), conflict(&known), "no cache yet");
    write(project.join(".godot/global_script_class_cache.cfg"), "list=[]\n");
    assert_eq!(find_conflict(&project), conflict(&known), "cache that misses it");
    let message = find_conflict(&project).unwrap().message();
    assert!(message.contains(&known), "{message}");
    assert!(
        message.contains("integrations/godot_ai/uv_cache_cleanup.gd"),
        "{message}"
    );
    assert!(!message.contains('\n'), "one line: {message}");
}

#[test]
fn any_script_the_cache_names_is_a_conflict_when_it_still_declares_the_class() {
    let scratch = Scratch::new("conflict-cached");
    let project = project(&scratch);
    write(project.join("scripts/my_sweeper.gd"), DECLARES);
    cache_listing(&project, "res://scripts/my_sweeper.gd");
    let found = find_conflict(&project);
    assert_eq!(found, conflict("res://scripts/my_sweeper.gd"));
    assert!(found
        .unwrap()
        .message()
        .contains("remove `class_name McpUvCacheCleanup`"));
}

#[test]
fn a_stale_cache_entry_is_not_a_conflict() {
    // The user replaced godot-ai's file with the integration file; the cache
    // still names it until the editor rescans, which it does after the
    // extensions load. The native class must be active on that next start.
    let scratch = Scratch::new("conflict-stale");
    let project = project(&scratch);
    write(project.join(GODOT_AI_SCRIPT), NO_CLASS_NAME);
    cache_listing(&project, &format!("res://{GODOT_AI_SCRIPT}"));
    assert_eq!(find_conflict(&project), None);
    cache_listing(&project, "res://deleted/long_ago.gd");
    assert_eq!(find_conflict(&project), None, "cache names a missing file");
}

#[test]
fn without_a_cache_every_script_is_read_but_ignored_and_hidden_dirs_are_skipped() {
    let scratch = Scratch::new("conflict-scan");
    let project = project(&scratch);
    write(project.join("addons/other/plain.gd"), NO_CLASS_NAME);
    write(project.join("ignored/.gdignore"), "");
    write(project.join("ignored/sweeper.gd"), DECLARES);
    write(project.join(".hidden/sweeper.gd"), DECLARES);
    write(project.join("notes/sweeper.gd.txt"), DECLARES);
    assert_eq!(find_conflict(&project), None);
    write(project.join("addons/other/deep/sweeper.gd"), DECLARES);
    assert_eq!(find_conflict(&project), conflict("res://addons/other/deep/sweeper.gd"));
}

#[test]
fn a_project_without_the_class_is_no_conflict() {
    let scratch = Scratch::new("conflict-none");
    let project = project(&scratch);
    write(project.join("main.gd"), "extends Node\n");
    assert_eq!(find_conflict(&project), None);
    assert_eq!(find_conflict(&scratch.path().join("missing")), None);
}

#[test]
fn the_project_of_a_library_is_its_nearest_ancestor_with_project_godot() {
    let scratch = Scratch::new("conflict-project-dir");
    let project = project(&scratch);
    let bin = project.join("addons/mcp_uv_cache_cleanup/bin");
    fs::create_dir_all(&bin).unwrap();
    let library = bin.join("libmcp_uv_cache_cleanup.linux.x86_64.so");
    assert_eq!(project_dir_of(&library), Some(project.clone()));
    assert_eq!(project_dir_of(&scratch.path().join("lib.so")), None);
}
