@tool
extends RefCounted
## Base of the in-engine test cases: checks, scratch directories and waiting.
##
## A case is a script extending this one whose methods named `test_*` are the
## tests; suite.gd runs them. A test records problems with `expect*` (it does
## not stop at the first one) and may `skip` with a reason.
##
## A GDScript runtime error does not stop a test, so a test checks every value
## it gets before using it, and the runner (tests/engine/godot_log.py) fails the run on
## any SCRIPT ERROR, gdext panic or ERROR: line that no test declared with
## `expect_error` first.

const FsUtil := preload("res://tests/fs_util.gd")
const SCRATCH := "user://uv_cache_cleanup_tests"
## How long a test waits for a background sweep before calling it hung.
const TIMEOUT_MSEC := 20000
## How long a second process may take to hold its file, or to exit.
const HOLDER_TIMEOUT_MSEC := 30000

## The native class the tests call, by name: see `cleanup`.
const CLEANUP_CLASS := &"McpUvCacheCleanup"

## The scene tree, for awaiting frames. Set by the runner.
var tree: SceneTree
## The native McpUvCacheCleanup (null where it is not registered), reached by
## its name at run time: a script that names a class compiles only where the
## class is registered, and Godot 4.3's first import compiles every script of
## the project without our classes in its table (tests/engine/godot_editor_linux.sh).
## Its methods are static; Godot calls them on an instance as on the class.
var cleanup: Object = (
	ClassDB.instantiate(CLEANUP_CLASS) if ClassDB.class_exists(CLEANUP_CLASS) else null
)
## What went wrong in the current test; empty means it passed.
var problems: PackedStringArray = []
## Why the current test was skipped; empty if it was not.
var skip_reason := ""


## The names of this case's tests, sorted.
func test_names() -> PackedStringArray:
	var names: PackedStringArray = []
	for method in get_method_list():
		var method_name: String = method["name"]
		if method_name.begins_with("test_") and method_name != "test_names":
			names.append(method_name)
	names.sort()
	return names


func expect(condition: bool, what: String) -> void:
	if not condition:
		problems.append(what)


func expect_eq(actual: Variant, expected: Variant, what: String) -> void:
	if typeof(actual) != typeof(expected) or actual != expected:
		problems.append("%s: expected %s, got %s" % [what, var_to_str(expected), var_to_str(actual)])


## Fails the test unless `value` is an object of class `class_name_wanted`
## (native or script class name); returns whether it is.
func expect_object(value: Variant, class_name_wanted: String, what: String) -> bool:
	if typeof(value) != TYPE_OBJECT or value == null:
		problems.append("%s: expected a %s, got %s" % [what, class_name_wanted, var_to_str(value)])
		return false
	if not (value as Object).is_class(class_name_wanted):
		problems.append("%s: expected a %s, got a %s" % [what, class_name_wanted, value.get_class()])
		return false
	return true


## Declares that the engine will now log `ERROR: <text>` (exactly this text):
## the runner fails the run on any ERROR: line not declared, and on a declared
## one that never appears.
func expect_error(text: String) -> void:
	print("EXPECTED-ERROR: " + text)


## Declares that the engine will now log a WARNING: line containing `part`;
## the runner fails the run if none follows.
func expect_warning(part: String) -> void:
	print("EXPECTED-WARNING: " + part)


func skip(reason: String) -> void:
	skip_reason = reason


## A fresh, empty scratch directory for one test, as a user:// path.
func scratch(test_label: String) -> String:
	var path := SCRATCH.path_join(test_label)
	FsUtil.remove_tree(path)
	FsUtil.make_dir(path)
	return path


func counts(scanned: int, renamed: int, deleted: int, remaining: int) -> Dictionary:
	return {"scanned": scanned, "renamed": renamed, "deleted": deleted, "remaining": remaining}


## Waits (frame by frame, up to TIMEOUT_MSEC) for `sweep` to emit `finished`,
## and returns what it emitted, or {} (and a problem) on time-out or when
## `sweep` is not a McpUvCacheSweep at all.
func finished(sweep: Variant) -> Dictionary:
	if not expect_object(sweep, "McpUvCacheSweep", "async call result"):
		return {}
	var emitted: Array[Dictionary] = []
	sweep.finished.connect(func(result: Dictionary) -> void: emitted.append(result))
	var deadline := Time.get_ticks_msec() + TIMEOUT_MSEC
	while emitted.is_empty() and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	if emitted.is_empty():
		problems.append("no finished signal within %d ms" % TIMEOUT_MSEC)
		return {}
	return emitted[0]


## Waits (frame by frame, up to TIMEOUT_MSEC) for `object` to emit its
## one-argument signal `signal_name`, and returns the argument; null (and a
## problem) on time-out.
func next_emitted(object: Object, signal_name: StringName) -> Variant:
	var emitted: Array = []
	var on_emitted := func(argument: Variant) -> void: emitted.append(argument)
	object.connect(signal_name, on_emitted)
	var deadline := Time.get_ticks_msec() + TIMEOUT_MSEC
	while emitted.is_empty() and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	object.disconnect(signal_name, on_emitted)
	if emitted.is_empty():
		problems.append("no %s within %d ms" % [signal_name, TIMEOUT_MSEC])
		return null
	return emitted[0]


## The editor plugin node whose script is `script_path`, or null (also
## outside the editor).
func editor_plugin_node(script_path: String) -> Node:
	for node in tree.root.find_children("*", "EditorPlugin", true, false):
		var script: Script = node.get_script()
		if script != null and script.resource_path == script_path:
			return node
	return null


## Creates a symlink at `at` to `target`; skips the test where links cannot be
## made (Windows without Developer Mode, or a Godot without the API).
func link(target: String, at: String) -> bool:
	var dir := DirAccess.open(at.get_base_dir())
	if dir == null or not dir.has_method("create_link"):
		skip("DirAccess.create_link is not available")
		return false
	# Wine's CreateSymbolicLink reports success and makes nothing: believe
	# the filesystem, not the return code.
	if dir.call("create_link", target, at) != OK or not dir.is_link(at):
		skip("cannot create symlinks here")
		return false
	return true


## Starts `program` (a Godot engine) running hold_file.gd, which opens `held`,
## writes `ready`, and keeps `held` open until `release` exists. Waits until it
## holds the file. Returns its PID, or 0 (with the problem recorded, the
## process killed) when it did not get there in time.
func start_holder(
	program: String, held: String, ready: String, release: String, what: String
) -> int:
	var args := [
		"--headless", "--path", ProjectSettings.globalize_path("res://"),
		"-s", "res://tests/hold_file.gd", "--", held, ready, release,
	]
	var pid := OS.create_process(program, args)
	expect(pid > 0, what + " started")
	if pid <= 0:
		return 0
	var deadline := Time.get_ticks_msec() + HOLDER_TIMEOUT_MSEC
	while not FileAccess.file_exists(ready) and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	if not FileAccess.file_exists(ready):
		problems.append("%s did not hold its file within %d ms" % [what, HOLDER_TIMEOUT_MSEC])
		OS.kill(pid)
		return 0
	return pid


## Sets the environment variables of `overrides` ("" unsets one); returns
## what they were, for `restore_environment` (for tests that await between).
func set_environment(overrides: Dictionary) -> Dictionary:
	var saved := {}
	for name in overrides:
		saved[name] = OS.get_environment(name) if OS.has_environment(name) else null
		if String(overrides[name]).is_empty():
			OS.unset_environment(name)
		else:
			OS.set_environment(name, overrides[name])
	return saved


## Puts back the variables `set_environment` saved (null: unset).
func restore_environment(saved: Dictionary) -> void:
	for name in saved:
		if saved[name] == null:
			OS.unset_environment(name)
		else:
			OS.set_environment(name, saved[name])


## `overrides` on top of every variable uv reads for its cache unset ("").
func uv_environment(overrides: Dictionary) -> Dictionary:
	var env := {
		"UV_CACHE_DIR": "",
		"UV_CONFIG_FILE": "",
		"UV_NO_CONFIG": "",
		"UV_NO_CACHE": "",
	}
	env.merge(overrides, true)
	return env


## The live builds directory, when this run may fill and sweep it: Windows,
## and a throwaway profile (a test must never sweep a developer's real uv
## cache). Otherwise skips and returns "".
func live_builds_root() -> String:
	if OS.get_name() != "Windows":
		skip("the live cache is swept only on Windows")
		return ""
	if OS.get_environment("MCP_UVCC_THROWAWAY_PROFILE") != "1":
		skip(
			"would sweep this user's real uv cache (the runner sets "
			+ "MCP_UVCC_THROWAWAY_PROFILE=1 in a throwaway Wine prefix)"
		)
		return ""
	var local_appdata := OS.get_environment("LOCALAPPDATA").replace("\\", "/")
	if local_appdata.is_empty():
		skip("LOCALAPPDATA is not set")
		return ""
	var root := local_appdata.path_join("uv/cache/builds-v0")
	FsUtil.remove_tree(local_appdata.path_join("uv"))
	return root
