extends Node
## In-engine suite for the native McpUvCacheCleanup class.
##
## Run headless as the scene to play (tests/godot_suite.sh does). Prints one
## line per test: "PASS <name>", "FAIL <name>: <what>" or "SKIP <name>: <why>",
## then "N passed, N failed" (", N skipped" when any were), and quits with
## exit code 1 if anything failed.

const FsUtil := preload("res://tests/fs_util.gd")
const SCRATCH := "user://uv_cache_cleanup_tests"
const KEYS := ["scanned", "renamed", "deleted", "remaining"]

var _passed := 0
var _failed := 0
var _skipped := 0
var _problems: PackedStringArray = []
var _skip_reason := ""


func _ready() -> void:
	FsUtil.remove_tree(SCRATCH)
	for test_name in _test_names():
		await _run_test(test_name)
	FsUtil.remove_tree(SCRATCH)
	var summary := "%d passed, %d failed" % [_passed, _failed]
	if _skipped > 0:
		summary += ", %d skipped" % _skipped
	print(summary)
	get_tree().quit(1 if _failed > 0 else 0)


# --- the drop-in contract -----------------------------------------------------


func test_class_is_native_refcounted_and_static() -> void:
	_expect(ClassDB.class_exists("McpUvCacheCleanup"), "class registered")
	_expect_eq(String(ClassDB.get_parent_class("McpUvCacheCleanup")), "RefCounted", "base class")
	var instance := McpUvCacheCleanup.new()
	_expect(instance is RefCounted, "instance is RefCounted")
	_expect(instance.get_script() == null, "native class, not a script")
	for method in ["purge_stale_builds", "purge_directory"]:
		_expect(ClassDB.class_has_method("McpUvCacheCleanup", method), method + " exists")


func test_result_has_the_four_int_keys_in_order() -> void:
	var root := _scratch("keys")
	FsUtil.make_venv(root.path_join(".tmpA"))
	var result := McpUvCacheCleanup.purge_directory(root)
	_expect_eq(result.keys(), KEYS, "keys")
	for key in KEYS:
		_expect_eq(typeof(result[key]), TYPE_INT, "type of " + key)
	_expect_eq(result, _counts(1, 1, 1, 0), "counts")


func test_sweeps_a_user_path() -> void:
	var root := _scratch("user_path")
	FsUtil.make_venv(root.path_join(".tmpAbC123"))
	FsUtil.make_dir(root.path_join(".tmpEmpty"))
	FsUtil.make_venv(root.path_join("_dead_.tmpLeftover"))
	_expect(root.begins_with("user://"), "root is a user:// path")
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(2, 2, 3, 0), "first sweep")
	_expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(0, 0, 0, 0), "second sweep")


func test_sweeps_an_os_path() -> void:
	var root := ProjectSettings.globalize_path(_scratch("os_path"))
	FsUtil.make_venv(root.path_join(".tmpA"))
	_expect(not root.begins_with("user://"), "root is an OS path")
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(1, 1, 1, 0), "counts")
	_expect(not FsUtil.exists(root.path_join(".tmpA")), ".tmpA gone")


func test_only_tmp_and_dead_directories_are_touched() -> void:
	var root := _scratch("siblings")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.write_file(root.path_join(".tmpfile"), "a file, not a build dir")
	FsUtil.write_file(root.path_join("archive-v0/abc/pkg.py"), "kept")
	FsUtil.write_file(root.path_join(".TMPupper/x"), "kept: prefix is case-sensitive")
	FsUtil.write_file(root.path_join("_dead_file"), "a file, not a dead dir")
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(1, 1, 1, 0), "counts")
	var expected := PackedStringArray([".TMPupper", ".tmpfile", "_dead_file", "archive-v0"])
	_expect_eq(FsUtil.names_in(root), expected, "left in root")
	var kept := FileAccess.get_file_as_string(root.path_join("archive-v0/abc/pkg.py"))
	_expect_eq(kept, "kept", "archive-v0 content")


func test_an_existing_dead_name_is_not_replaced() -> void:
	var root := _scratch("no_clobber")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_dir(root.path_join("_dead_.tmpA"))
	# Old and new _dead_ dirs are both removed: the rename replaced nothing.
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(1, 1, 2, 0), "counts")


func test_a_deep_tree_is_removed() -> void:
	var root := _scratch("deep")
	var deepest := root.path_join(".tmpDeep")
	for _level in 200:
		deepest = deepest.path_join("d")
	FsUtil.write_file(deepest.path_join("bottom.txt"), "x")
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(1, 1, 1, 0), "counts")


# --- links --------------------------------------------------------------------


func test_a_link_inside_a_build_dir_is_removed_as_a_link() -> void:
	var base := _scratch("link_inside")
	var outside := ProjectSettings.globalize_path(base.path_join("outside"))
	FsUtil.write_file(outside.path_join("canary.txt"), "alive")
	var root := ProjectSettings.globalize_path(base.path_join("builds-v0"))
	FsUtil.make_venv(root.path_join(".tmpA"))
	if not _link(outside, root.path_join(".tmpA/escape")):
		return
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(1, 1, 1, 0), "counts")
	var canary := FileAccess.get_file_as_string(outside.path_join("canary.txt"))
	_expect_eq(canary, "alive", "canary outside the root")


func test_a_build_name_that_is_a_link_is_not_a_directory() -> void:
	var base := _scratch("link_top")
	var outside := ProjectSettings.globalize_path(base.path_join("outside"))
	FsUtil.write_file(outside.path_join("canary.txt"), "alive")
	var root := ProjectSettings.globalize_path(base.path_join("builds-v0"))
	FsUtil.make_dir(root)
	if not _link(outside, root.path_join(".tmpLink")):
		return
	if not _link(outside, root.path_join("_dead_.tmpLink")):
		return
	_expect_eq(McpUvCacheCleanup.purge_directory(root), _counts(0, 0, 0, 0), "counts")
	var canary := FileAccess.get_file_as_string(outside.path_join("canary.txt"))
	_expect_eq(canary, "alive", "canary outside the root")
	_expect_eq(FsUtil.names_in(root).size(), 2, "both links still there")


# --- bad input ----------------------------------------------------------------


func test_a_missing_directory_gives_zeros() -> void:
	var missing := _scratch("missing").path_join("no/such/dir")
	_expect_eq(McpUvCacheCleanup.purge_directory(missing), _counts(0, 0, 0, 0), "counts")


func test_a_file_path_gives_zeros_and_survives() -> void:
	var file := _scratch("file_root").path_join("not_a_dir")
	FsUtil.write_file(file, "x")
	_expect_eq(McpUvCacheCleanup.purge_directory(file), _counts(0, 0, 0, 0), "counts")
	_expect(FileAccess.file_exists(file), "file survives")


func test_an_empty_path_never_means_the_current_directory() -> void:
	# With --path, Godot runs in the project directory, which is also what
	# globalize_path("") returns: a build dir there must survive.
	var canary := "res://.tmp_empty_path_canary"
	FsUtil.write_file(canary.path_join("x"), "x")
	var result := McpUvCacheCleanup.purge_directory("")
	var survived := FsUtil.exists(canary.path_join("x"))
	FsUtil.remove_tree(canary)
	_expect_eq(result, _counts(0, 0, 0, 0), "counts")
	_expect(survived, "build dir in the current directory survives")


func test_purge_stale_builds_follows_os_and_localappdata() -> void:
	var saved := OS.get_environment("LOCALAPPDATA")
	var appdata := ProjectSettings.globalize_path(_scratch("appdata"))
	var builds := appdata.path_join("uv/cache/builds-v0")
	FsUtil.make_venv(builds.path_join(".tmpA"))
	OS.set_environment("LOCALAPPDATA", appdata)
	var result := McpUvCacheCleanup.purge_stale_builds()
	OS.set_environment("LOCALAPPDATA", "")
	var with_empty := McpUvCacheCleanup.purge_stale_builds()
	OS.set_environment("LOCALAPPDATA", saved)
	_expect_eq(result.keys(), KEYS, "keys")
	_expect_eq(with_empty, _counts(0, 0, 0, 0), "empty LOCALAPPDATA")
	if OS.get_name() == "Windows":
		_expect_eq(result, _counts(1, 1, 1, 0), "swept on Windows")
	else:
		_expect_eq(result, _counts(0, 0, 0, 0), "zeros off Windows")
		_expect(FsUtil.exists(builds.path_join(".tmpA")), "nothing touched off Windows")


# --- runner -------------------------------------------------------------------


func _test_names() -> PackedStringArray:
	var names: PackedStringArray = []
	for method in get_method_list():
		var method_name: String = method["name"]
		if method_name.begins_with("test_"):
			names.append(method_name)
	names.sort()
	return names


func _run_test(test_name: String) -> void:
	_problems = []
	_skip_reason = ""
	await call(test_name)
	if not _problems.is_empty():
		_failed += 1
		print("FAIL %s: %s" % [test_name, "; ".join(_problems)])
	elif not _skip_reason.is_empty():
		_skipped += 1
		print("SKIP %s: %s" % [test_name, _skip_reason])
	else:
		_passed += 1
		print("PASS %s" % test_name)


func _expect(condition: bool, what: String) -> void:
	if not condition:
		_problems.append(what)


func _expect_eq(actual: Variant, expected: Variant, what: String) -> void:
	if typeof(actual) != typeof(expected) or actual != expected:
		_problems.append("%s: expected %s, got %s" % [what, var_to_str(expected), var_to_str(actual)])


func _skip(reason: String) -> void:
	_skip_reason = reason


## A fresh, empty scratch directory for one test, as a user:// path.
func _scratch(test_label: String) -> String:
	var path := SCRATCH.path_join(test_label)
	FsUtil.remove_tree(path)
	FsUtil.make_dir(path)
	return path


func _counts(scanned: int, renamed: int, deleted: int, remaining: int) -> Dictionary:
	return {"scanned": scanned, "renamed": renamed, "deleted": deleted, "remaining": remaining}


## Creates a symlink at `at` to `target`; skips the test where links cannot be
## made (Windows without Developer Mode, or a Godot without the API).
func _link(target: String, at: String) -> bool:
	var dir := DirAccess.open(at.get_base_dir())
	if dir == null or not dir.has_method("create_link"):
		_skip("DirAccess.create_link is not available")
		return false
	if dir.call("create_link", target, at) != OK:
		_skip("cannot create symlinks here")
		return false
	return true
