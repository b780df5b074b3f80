@tool
extends "res://tests/plugin_test_case.gd"
## The addon's own editor plugin (addons/mcp_uv_cache_cleanup/plugin.cfg),
## enabled, used, disabled and enabled again in the running editor
## (tests/engine/godot_editor_linux.sh, stage editor). The plugin sweeps uv's own
## caches, which the stage points at an empty scratch directory, and a cache
## of the test's through its extra_builds_dirs setting.
##
## The log is judged too: a second add_command or a remove of a missing
## command logs an ERROR, as does a Tools menu item removed twice.

const NativeSweeps := preload("res://addons/mcp_uv_cache_cleanup/editor/native_sweeps.gd")
const COMMAND_NAME := "Sweep stale uv builds now"


func test_plugin_sweeps_on_enable_command_and_look_and_leaves_cleanly() -> void:
	if not Engine.is_editor_hint():
		skip("needs the editor (tests/engine/godot_editor_linux.sh)")
		return
	var root := scratch("editor_plugin")
	var os_root := ProjectSettings.globalize_path(root)
	_stale_cache(root)
	_make_uv_cache()
	var saved := configure({
		"extra_builds_dirs": PackedStringArray([os_root]),
		"min_age_sec": 0,
		"interval_sec": 0,
		"verbosity": "detailed",
	})
	expect_eq(_menu_items(), 0, "no menu item before the plugin is enabled")

	set_plugin_enabled(true)
	var plugin := plugin_node()
	if expect_object(plugin, "EditorPlugin", "our plugin in the editor's tree"):
		expect_eq(_menu_items(), 1, "one Tools menu item once enabled")
		var report := await next_report(plugin)
		expect_eq(report.get("deleted"), 3, "the start sweep removed the stale dirs")
		expect_eq(_swept_roots(report), _uv_roots() + PackedStringArray([os_root]),
			"the start sweep's caches: uv's own, then the extra one")
		expect_eq(FsUtil.names_in(root), PackedStringArray(["archive-v0"]), "left after start")
		await _command_sweeps(plugin, root)
		await _held_dir_goes_with_the_next_look(plugin, root)

	set_plugin_enabled(false)
	expect_eq(plugin_node(), null, "no plugin node once disabled")
	expect_eq(_menu_items(), 0, "no menu item once disabled")

	_stale_cache(root)
	set_plugin_enabled(true)
	plugin = plugin_node()
	if expect_object(plugin, "EditorPlugin", "our plugin, enabled again"):
		expect_eq(_menu_items(), 1, "one Tools menu item after enabling again")
		var report := await next_report(plugin)
		expect_eq(report.get("deleted"), 3, "the start sweep after enabling again")
	set_plugin_enabled(false)
	expect_eq(_menu_items(), 0, "no menu item at the end")
	configure(saved)


## The command: one sweep however often it is asked while it runs; a native
## sweep of the same cache meanwhile is told the cache is busy.
func _command_sweeps(plugin: Node, root: String) -> void:
	_stale_cache(root)
	plugin.call("sweep_now")
	expect(plugin.call("is_sweeping"), "the command started a sweep")
	plugin.call("sweep_now")
	var rival: Object = NativeSweeps.start(PackedStringArray([root]), 0)
	var rival_report := await finished(rival)
	expect_eq(rival_report, counts(0, 0, 0, 0), "a second sweep of the same cache did nothing")
	var busy: Variant = rival.call("get_report").get("busy")
	expect_eq(busy, PackedStringArray([ProjectSettings.globalize_path(root)]), "busy cache")
	# The command's sweep may end in the frames the rival took (it does in
	# Godot 4.3): then it already reported, and its report is the last one.
	var report: Dictionary = plugin.get("last_report")
	if plugin.call("is_sweeping"):
		report = await next_report(plugin)
	expect_eq(report.get("deleted"), 3, "the command's sweep")
	expect(int(report.get("files_removed", 0)) > 0, "files counted")
	expect(int(report.get("bytes_freed", 0)) > 0, "bytes counted")
	expect(not plugin.call("is_sweeping"), "one sweep for both commands")


## A build dir that cannot go (an immutable file, as a Windows lock) stays and
## is named; once released, the plugin's periodic look removes it, no restart.
func _held_dir_goes_with_the_next_look(plugin: Node, root: String) -> void:
	FsUtil.make_venv(root.path_join(".tmpHeld"))
	var held := ProjectSettings.globalize_path(root.path_join(".tmpHeld/pyvenv.cfg"))
	if OS.get_name() != "Linux" or OS.execute("chattr", ["+i", held]) != 0:
		FsUtil.remove_tree(root.path_join(".tmpHeld"))
		return
	plugin.call("sweep_now")
	var report := await next_report(plugin)
	expect_eq(report.get("remaining"), 1, "the held dir stays")
	var errors: Array = report.get("errors", [])
	expect(errors.size() > 0 and str(errors[0]).contains("pyvenv.cfg"), "named: %s" % [errors])
	OS.execute("chattr", ["-i", held.replace(".tmpHeld", "_dead_.tmpHeld")])
	OS.execute("chattr", ["-i", held])
	configure({"interval_sec": 1})
	report = await next_report(plugin)
	expect_eq(report.get("deleted"), 1, "the look removed it once released")
	expect_eq(report.get("remaining"), 0, "nothing stays")
	configure({"interval_sec": 0})


## Two venvs and a dead dir to sweep, and what must survive.
func _stale_cache(root: String) -> void:
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_venv(root.path_join(".tmpB"))
	FsUtil.make_venv(root.path_join("_dead_.tmpOld"))
	FsUtil.write_file(root.path_join("archive-v0/pkg.py"), "kept")


## How many menu items in the editor are the plugin's command.
func _menu_items() -> int:
	var found := 0
	for menu: PopupMenu in tree.root.find_children("*", "PopupMenu", true, false):
		for index in menu.item_count:
			if menu.get_item_text(index) == COMMAND_NAME:
				found += 1
	return found


## The builds_root of each cache a plugin report swept, in order.
func _swept_roots(report: Dictionary) -> PackedStringArray:
	var roots := PackedStringArray()
	for each in report.get("roots", []):
		roots.append(str(each.get("builds_root")))
	return roots


## On Linux, uv's cache as the stage has it: $XDG_CACHE_HOME/uv/builds-v0,
## made here, as a uv that built once would (a cache that does not exist is
## not swept).
func _make_uv_cache() -> void:
	var cache_home := OS.get_environment("XDG_CACHE_HOME")
	if OS.get_name() == "Linux" and not cache_home.is_empty():
		DirAccess.make_dir_recursive_absolute(cache_home.path_join("uv").path_join("builds-v0"))


## uv's own caches, as the plugin finds them. On Linux the stage points
## XDG_CACHE_HOME at a scratch directory and sets no UV_* variable, so there
## is one: $XDG_CACHE_HOME/uv/builds-v0.
func _uv_roots() -> PackedStringArray:
	var roots: PackedStringArray = NativeSweeps.stale_builds_roots()
	if OS.get_name() == "Linux":
		var cache_home := OS.get_environment("XDG_CACHE_HOME")
		expect(not cache_home.is_empty(), "the stage sets XDG_CACHE_HOME")
		expect_eq(roots, PackedStringArray([cache_home.path_join("uv").path_join("builds-v0")]),
			"uv's cache on Linux: $XDG_CACHE_HOME/uv")
	return roots
