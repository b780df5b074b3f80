extends RefCounted
## Base of the in-engine test cases: checks, scratch directories and waiting.
##
## A case is a script extending this one whose methods named `test_*` are the
## tests; suite.gd runs them. A test records problems with `expect*` (it does
## not stop at the first one) and may `skip` with a reason.

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
## and returns what it emitted, or {} (and a problem) on time-out.
func finished(sweep: McpUvCacheSweep) -> Dictionary:
	var emitted: Array[Dictionary] = []
	sweep.finished.connect(func(result: Dictionary) -> void: emitted.append(result))
	var deadline := Time.get_ticks_msec() + TIMEOUT_MSEC
	while emitted.is_empty() and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	if emitted.is_empty():
		problems.append("no finished signal within %d ms" % TIMEOUT_MSEC)
		return {}
	return emitted[0]


## Creates a symlink at `at` to `target`; skips the test where links cannot be
## made (Windows without Developer Mode, or a Godot without the API).
func link(target: String, at: String) -> bool:
	var dir := DirAccess.open(at.get_base_dir())
	if dir == null or not dir.has_method("create_link"):
		skip("DirAccess.create_link is not available")
		return false
	if dir.call("create_link", target, at) != OK:
		skip("cannot create symlinks here")
		return false
	return true
