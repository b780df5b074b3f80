extends "res://tests/test_case.gd"
## godot-ai and this addon in one project, in the stage the runner names
## (tests/engine/godot_ai_coexistence.sh, user argument `--stage=`):
##
## - `conflict`: godot-ai as it ships (its file declares the class name) and
##   our addon: the native class stands aside, everything compiles and sweeps,
##   and McpUvCacheSweep (the editor plugin's way in) is still registered;
## - `adopted`: godot-ai's file replaced by our integration file, the next
##   start: the native class is active and godot-ai sweeps through it;
## - `no_native`: the integration file with no native library: its GDScript
##   sweep gives the same Dictionary.

const GODOT_AI_FILE := "res://addons/godot_ai/utils/uv_cache_cleanup.gd"
const PLUGIN := "res://addons/godot_ai/plugin.gd"
const LIFECYCLE := "res://addons/godot_ai/utils/server_lifecycle.gd"
const HOOK := "res://addons/mcp_uv_cache_cleanup/uv_cache_sweep_hook.gd"
const INTEGRATION := "res://addons/mcp_uv_cache_cleanup/integrations/godot_ai/uv_cache_cleanup.gd"
const NATIVE_SWEEPS := "res://addons/mcp_uv_cache_cleanup/editor/native_sweeps.gd"
const SWEEP_CLASS := "McpUvCacheSweep"


func _stage() -> String:
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--stage="):
			return arg.trim_prefix("--stage=")
	return ""


## A compiled script, or null and a problem.
func _compiled(path: String) -> GDScript:
	var script: GDScript = load(path)
	expect(script != null and script.can_instantiate(), "%s compiles" % path)
	return script if script != null and script.can_instantiate() else null


## Two build venvs and a dead dir, beside what must survive.
func _simple_cache(root: String) -> void:
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_venv(root.path_join(".tmpB"))
	FsUtil.make_venv(root.path_join("_dead_.tmpOld"))
	FsUtil.write_file(root.path_join("archive-v0/pkg.py"), "kept")


## The simple cache, plus a taken `_dead_` name (the rename must not clobber
## it), a file named like a build dir, and read-only files.
func _rich_cache(root: String) -> void:
	_simple_cache(root)
	FsUtil.write_file(root.path_join("_dead_.tmpB/old.txt"), "an older dead dir")
	FsUtil.write_file(root.path_join(".tmpfile"), "a file, not a build dir")
	for relative in ["pyvenv.cfg", "Lib/site-packages/pydantic_core/__init__.py"]:
		var path := ProjectSettings.globalize_path(root.path_join(".tmpA").path_join(relative))
		FileAccess.set_read_only_attribute(path, true)


func test_stage_is_known() -> void:
	expect(_stage() in ["conflict", "adopted", "no_native"], "stage '%s'" % _stage())


func test_every_script_compiles() -> void:
	for path in [GODOT_AI_FILE, PLUGIN, LIFECYCLE, HOOK, INTEGRATION]:
		_compiled(path)


func test_the_cleanup_class_is_registered_only_when_adopted() -> void:
	var adopted := _stage() == "adopted"
	expect_eq(ClassDB.class_exists(CLEANUP_CLASS), adopted, "%s registered" % CLEANUP_CLASS)
	var native := _stage() != "no_native"
	expect_eq(ClassDB.class_exists(SWEEP_CLASS), native, "%s registered" % SWEEP_CLASS)


## Where godot-ai's script holds the name, the native sweep still runs
## through McpUvCacheSweep (what the addon's editor plugin uses).
func test_the_sweep_class_sweeps_beside_the_script() -> void:
	if not ClassDB.class_exists(SWEEP_CLASS):
		expect_eq(_stage(), "no_native", "%s missing only without the library" % SWEEP_CLASS)
		return
	var root := scratch("sweep_class")
	_simple_cache(root)
	var native_sweeps := _compiled(NATIVE_SWEEPS)
	if native_sweeps == null:
		return
	var sweep: Object = native_sweeps.call("start", PackedStringArray([root]), 0)
	expect_eq(await finished(sweep), counts(2, 2, 3, 0), "start_sweeps result")
	var report: Dictionary = sweep.call("get_report")
	expect_eq(report.get("deleted"), 3, "report deleted")
	expect_eq(report.get("busy"), PackedStringArray(), "report busy")
	expect_eq(FsUtil.names_in(root), PackedStringArray(["archive-v0"]), "left after start_sweeps")


func test_godot_ai_sweeps_through_its_preloaded_file() -> void:
	var lifecycle := _compiled(LIFECYCLE)
	var plugin_script := _compiled(PLUGIN)
	if lifecycle == null or plugin_script == null:
		return
	var root := scratch("through_lifecycle")
	_simple_cache(root)
	expect_eq(lifecycle.call("after_stop", root), counts(2, 2, 3, 0), "server_lifecycle.gd sweep")
	var survivors := PackedStringArray(["archive-v0"])
	expect_eq(FsUtil.names_in(root), survivors, "left after server_lifecycle.gd")

	root = scratch("through_plugin")
	_simple_cache(root)
	var plugin: Node = plugin_script.new()
	expect_eq(plugin.call("stop_server", root), counts(2, 2, 3, 0), "plugin.gd sweep")
	plugin.free()
	expect_eq(FsUtil.names_in(root), survivors, "left after plugin.gd")


func test_godot_ai_tests_can_still_remove_a_tree() -> void:
	var lifecycle := _compiled(LIFECYCLE)
	if lifecycle == null:
		return
	var tree_root := scratch("remove_recursive").path_join("venv")
	FsUtil.make_venv(tree_root)
	expect_eq(lifecycle.call("remove_tree", tree_root), true, "_remove_recursive")
	expect(not FsUtil.exists(tree_root), "tree gone")


func test_our_hook_sweeps_only_with_the_native_class() -> void:
	var hook := _compiled(HOOK)
	if hook == null:
		return
	var root := scratch("hook")
	FsUtil.make_venv(root.path_join("_dead_.tmpOld"))
	var result: Variant = hook.call("after_server_stop", root)
	if _stage() != "adopted":
		expect_eq(result, null, "hook without the native class")
		expect(FsUtil.exists(root.path_join("_dead_.tmpOld")), "cache untouched")
		return
	expect_eq(await finished(result), counts(0, 0, 1, 0), "hook result")


func test_integration_file_gives_the_native_dictionary() -> void:
	var integration := _compiled(INTEGRATION)
	if integration == null:
		return
	expect_eq(integration.call("is_native"), _stage() == "adopted", "forwards to the native class")
	var expected := counts(2, 2, 4, 0)
	var survivors := PackedStringArray([".tmpfile", "archive-v0"])
	var root := scratch("integration_gdscript")
	_rich_cache(root)
	expect_eq(integration.call("gdscript_purge_directory", root), expected, "GDScript sweep")
	expect_eq(FsUtil.names_in(root), survivors, "left after the GDScript sweep")
	if _stage() != "adopted":
		return
	root = scratch("integration_native")
	_rich_cache(root)
	var native: Object = ClassDB.instantiate("McpUvCacheCleanup")
	expect_eq(native.call("purge_directory", root), expected, "native sweep")
	expect_eq(FsUtil.names_in(root), survivors, "left after the native sweep")
