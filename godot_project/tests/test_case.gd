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

## The scene tree, for awaiting frames. Set by the runner.
var tree: SceneTree
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
