@tool
extends "res://tests/test_case.gd"
## In-engine tests of the drop-in contract: counts, paths, links, bad input.

const KEYS := ["scanned", "renamed", "deleted", "remaining"]


# --- the drop-in contract -----------------------------------------------------


func test_class_is_native_refcounted_and_static() -> void:
	expect(ClassDB.class_exists("McpUvCacheCleanup"), "class registered")
	expect_eq(String(ClassDB.get_parent_class("McpUvCacheCleanup")), "RefCounted", "base class")
	var instance: Object = ClassDB.instantiate(CLEANUP_CLASS)
	expect(instance is RefCounted, "instance is RefCounted")
	expect(instance.get_script() == null, "native class, not a script")
	for method in ["purge_stale_builds", "purge_directory"]:
		expect(ClassDB.class_has_method("McpUvCacheCleanup", method), method + " exists")


func test_result_has_the_four_int_keys_in_order() -> void:
	var root := scratch("keys")
	FsUtil.make_venv(root.path_join(".tmpA"))
	var result: Dictionary = cleanup.purge_directory(root)
	expect_eq(result.keys(), KEYS, "keys")
	for key in KEYS:
		expect_eq(typeof(result[key]), TYPE_INT, "type of " + key)
	expect_eq(result, counts(1, 1, 1, 0), "counts")


func test_sweeps_a_user_path() -> void:
	var root := scratch("user_path")
	FsUtil.make_venv(root.path_join(".tmpAbC123"))
	FsUtil.make_dir(root.path_join(".tmpEmpty"))
	FsUtil.make_venv(root.path_join("_dead_.tmpLeftover"))
	expect(root.begins_with("user://"), "root is a user:// path")
	expect_eq(cleanup.purge_directory(root), counts(2, 2, 3, 0), "first sweep")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")
	expect_eq(cleanup.purge_directory(root), counts(0, 0, 0, 0), "second sweep")


func test_sweeps_an_os_path() -> void:
	var root := ProjectSettings.globalize_path(scratch("os_path"))
	FsUtil.make_venv(root.path_join(".tmpA"))
	expect(not root.begins_with("user://"), "root is an OS path")
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 1, 0), "counts")
	expect(not FsUtil.exists(root.path_join(".tmpA")), ".tmpA gone")


func test_only_tmp_and_dead_directories_are_touched() -> void:
	var root := scratch("siblings")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.write_file(root.path_join(".tmpfile"), "a file, not a build dir")
	FsUtil.write_file(root.path_join("archive-v0/abc/pkg.py"), "kept")
	FsUtil.write_file(root.path_join(".TMPupper/x"), "kept: prefix is case-sensitive")
	FsUtil.write_file(root.path_join("_dead_file"), "a file, not a dead dir")
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 1, 0), "counts")
	var expected := PackedStringArray([".TMPupper", ".tmpfile", "_dead_file", "archive-v0"])
	expect_eq(FsUtil.names_in(root), expected, "left in root")
	var kept := FileAccess.get_file_as_string(root.path_join("archive-v0/abc/pkg.py"))
	expect_eq(kept, "kept", "archive-v0 content")


func test_an_existing_dead_name_is_not_replaced() -> void:
	var root := scratch("no_clobber")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_dir(root.path_join("_dead_.tmpA"))
	# Old and new _dead_ dirs are both removed: the rename replaced nothing.
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 2, 0), "counts")


func test_a_deep_tree_is_removed() -> void:
	var root := scratch("deep")
	var deepest := root.path_join(".tmpDeep")
	for _level in 200:
		deepest = deepest.path_join("d")
	FsUtil.write_file(deepest.path_join("bottom.txt"), "x")
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 1, 0), "counts")


# --- links --------------------------------------------------------------------


func test_a_link_inside_a_build_dir_is_removed_as_alink() -> void:
	var base := scratch("link_inside")
	var outside := ProjectSettings.globalize_path(base.path_join("outside"))
	FsUtil.write_file(outside.path_join("canary.txt"), "alive")
	var root := ProjectSettings.globalize_path(base.path_join("builds-v0"))
	FsUtil.make_venv(root.path_join(".tmpA"))
	if not link(outside, root.path_join(".tmpA/escape")):
		return
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 1, 0), "counts")
	var canary := FileAccess.get_file_as_string(outside.path_join("canary.txt"))
	expect_eq(canary, "alive", "canary outside the root")


func test_a_build_name_that_is_a_link_is_not_a_directory() -> void:
	var base := scratch("link_top")
	var outside := ProjectSettings.globalize_path(base.path_join("outside"))
	FsUtil.write_file(outside.path_join("canary.txt"), "alive")
	var root := ProjectSettings.globalize_path(base.path_join("builds-v0"))
	FsUtil.make_dir(root)
	if not link(outside, root.path_join(".tmpLink")):
		return
	if not link(outside, root.path_join("_dead_.tmpLink")):
		return
	expect_eq(cleanup.purge_directory(root), counts(0, 0, 0, 0), "counts")
	var canary := FileAccess.get_file_as_string(outside.path_join("canary.txt"))
	expect_eq(canary, "alive", "canary outside the root")
	expect_eq(FsUtil.names_in(root).size(), 2, "both links still there")


# --- bad input ----------------------------------------------------------------


func test_a_missing_directory_gives_zeros() -> void:
	var missing := scratch("missing").path_join("no/such/dir")
	expect_eq(cleanup.purge_directory(missing), counts(0, 0, 0, 0), "counts")


func test_a_file_path_gives_zeros_and_survives() -> void:
	var file := scratch("file_root").path_join("not_a_dir")
	FsUtil.write_file(file, "x")
	expect_warning("McpUvCacheCleanup: nothing swept: ")
	expect_warning("not_a_dir: not a directory")
	expect_eq(cleanup.purge_directory(file), counts(0, 0, 0, 0), "counts")
	expect(FileAccess.file_exists(file), "file survives")


func test_an_empty_path_never_means_the_current_directory() -> void:
	# With --path, Godot runs in the project directory, which is also what
	# globalize_path("") returns: a build dir there must survive.
	var canary := "res://.tmp_empty_path_canary"
	FsUtil.write_file(canary.path_join("x"), "x")
	expect_warning("McpUvCacheCleanup: nothing swept: no directory given (empty path)")
	var result: Dictionary = cleanup.purge_directory("")
	var survived := FsUtil.exists(canary.path_join("x"))
	FsUtil.remove_tree(canary)
	expect_eq(result, counts(0, 0, 0, 0), "counts")
	expect(survived, "build dir in the current directory survives")


func test_purge_stale_builds_follows_os_and_localappdata() -> void:
	if OS.get_name() == "Windows" and OS.get_environment("MCP_UVCC_THROWAWAY_PROFILE") != "1":
		skip("would sweep this user's real uv cache (see windows_semantics_tests.gd)")
		return
	var saved := OS.get_environment("LOCALAPPDATA")
	var appdata := ProjectSettings.globalize_path(scratch("appdata"))
	var builds := appdata.path_join("uv/cache/builds-v0")
	FsUtil.make_venv(builds.path_join(".tmpA"))
	OS.set_environment("LOCALAPPDATA", appdata)
	var result: Dictionary = cleanup.purge_stale_builds()
	OS.set_environment("LOCALAPPDATA", saved)
	expect_eq(result.keys(), KEYS, "keys")
	if OS.get_name() == "Windows":
		expect_eq(result, counts(1, 1, 1, 0), "swept on Windows")
	else:
		expect_eq(result, counts(0, 0, 0, 0), "zeros off Windows")
		expect(FsUtil.exists(builds.path_join(".tmpA")), "nothing touched off Windows")


func test_the_last_live_sweep_and_its_report_say_where_and_why() -> void:
	var before: int = cleanup.last_stale_builds_sweep().get("calls", 0)
	var report: Dictionary = cleanup.purge_stale_builds_report()
	var last: Dictionary = cleanup.last_stale_builds_sweep()
	expect_eq(last.keys(), ["calls", "builds_root", "rule", "roots"], "last sweep keys")
	expect_eq(last.get("calls"), before + 1, "calls counted")
	for key in KEYS + ["files_removed", "bytes_freed", "elapsed_usec", "errors", "roots"]:
		expect(report.has(key), "report has " + key)
	var swept: Array = report.get("roots", [])
	var last_roots: Array = last.get("roots", [])
	expect_eq(swept.size(), last_roots.size(), "report and last sweep agree on the roots")
	expect_eq(report.get("rule"), last.get("rule"), "report and last sweep agree on the rule")
	expect_eq(report.get("builds_root"), last.get("builds_root"), "and on the directory")
	if OS.get_name() != "Windows":
		expect_eq(last.get("rule"), "not Windows", "rule off Windows")
		expect_eq(last.get("builds_root"), "", "no directory off Windows")
		expect_eq(cleanup.stale_builds_root(), "", "stale_builds_root off Windows")
		var roots: PackedStringArray = cleanup.stale_builds_roots()
		expect_eq(roots, PackedStringArray(), "stale_builds_roots off Windows")
		expect_eq(last.get("roots"), [], "no roots off Windows")
