@tool
extends "res://tests/plugin_test_case.gd"
## The addon's editor plugin in the Windows editor under Wine
## (tests/engine/godot_editor_windows.sh): uv's real caches, the Wine user's
## %LOCALAPPDATA%\uv\cache and a UV_CACHE_DIR one, a build whose `.pyd` a
## second process holds open, and the plugin's own sweeps (start, periodic
## look, command) with nothing but its settings to steer them.

const PYD := "Lib/site-packages/pydantic_core/_pydantic_core.cp313-win_amd64.pyd"


func test_plugin_sweeps_both_caches_and_a_held_build_once_released() -> void:
	if not Engine.is_editor_hint():
		skip("needs the editor (tests/engine/godot_editor_windows.sh)")
		return
	var default_root := live_builds_root()
	if default_root.is_empty():
		return
	var env_cache := ProjectSettings.globalize_path(scratch("uv_cache_dir_cache"))
	var env_root := env_cache.path_join("builds-v0")
	var saved_env := set_environment(uv_environment({"UV_CACHE_DIR": env_cache}))
	FsUtil.make_venv(default_root.path_join(".tmpA"))
	FsUtil.make_venv(default_root.path_join("_dead_.tmpB"))
	FsUtil.make_venv(default_root.path_join(".tmpHeld"))
	FsUtil.make_venv(env_root.path_join(".tmpC"))
	FsUtil.make_venv(env_root.path_join(".tmpD"))
	var markers := ProjectSettings.globalize_path(scratch("plugin_holder_markers"))
	var release := markers.path_join("release")
	var pid: int = await start_holder(
		OS.get_executable_path(), default_root.path_join(".tmpHeld").path_join(PYD),
		markers.path_join("ready"), release, "the process holding the .pyd"
	)
	var saved_settings := configure({"min_age_sec": 0, "interval_sec": 0, "verbosity": "detailed"})
	if pid > 0:
		set_plugin_enabled(true)
		var plugin := plugin_node()
		if expect_object(plugin, "EditorPlugin", "our plugin in the Windows editor"):
			await _sweeps(plugin, default_root, env_root, release, pid)
		set_plugin_enabled(false)
		FsUtil.write_file(release, "go")
	configure(saved_settings)
	restore_environment(saved_env)


func _sweeps(
	plugin: Node, default_root: String, env_root: String, release: String, pid: int
) -> void:
	var report := await next_report(plugin)
	expect_eq(_roots_of(report), [env_root, default_root], "the start sweep's caches, in order")
	expect_eq(report.get("deleted"), 4, "the start sweep removed all but the held build")
	expect_eq(report.get("remaining"), 1, "the held build stays")
	var errors: Array = report.get("errors", [])
	var named := errors.any(func(text: Variant) -> bool: return str(text).contains(PYD.get_file()))
	expect(named, "the report names the held .pyd: %s" % var_to_str(errors))
	expect_eq(FsUtil.names_in(env_root), PackedStringArray(), "the UV_CACHE_DIR cache after start")
	var held_left := PackedStringArray(["_dead_.tmpHeld"])
	expect_eq(FsUtil.names_in(default_root), held_left, "the default cache after start")
	expect_eq(report.get("remaining"), _dead_dirs_in([env_root, default_root]), "report = caches")

	FsUtil.write_file(release, "go")
	var deadline := Time.get_ticks_msec() + HOLDER_TIMEOUT_MSEC
	while OS.is_process_running(pid) and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	expect(not OS.is_process_running(pid), "the holder exited")
	configure({"interval_sec": 1})
	report = await next_report(plugin)
	expect_eq(report.get("deleted"), 1, "the next look removed the released build, no restart")
	expect_eq(report.get("remaining"), 0, "nothing stays")
	expect_eq(FsUtil.names_in(default_root), PackedStringArray(), "the default cache after the look")
	configure({"interval_sec": 0})

	FsUtil.make_venv(env_root.path_join(".tmpE"))
	FsUtil.make_venv(default_root.path_join(".tmpF"))
	FsUtil.make_venv(default_root.path_join(".tmpG"))
	plugin.call("sweep_now")
	report = await next_report(plugin)
	expect_eq(report.get("deleted"), 3, "the command removed what the caches held")
	expect_eq(_dead_dirs_in([env_root, default_root]) + _entries_in([env_root, default_root]), 0,
		"the caches are empty, as the command reported (remaining %s)" % report.get("remaining"))


## Beside godot-ai (the script class McpUvCacheCleanup is its own): every
## script of godot-ai loads. A script that does not parse logs its Parse
## Error, which fails the run.
func test_godot_ai_scripts_load_when_it_is_there() -> void:
	if not DirAccess.dir_exists_absolute("res://addons/godot_ai"):
		skip("godot-ai is not in this project (stage beside-godot-ai has it)")
		return
	expect(not ClassDB.class_exists("McpUvCacheCleanup"), "our class stands aside")
	expect(ClassDB.class_exists("McpUvCacheSweep"), "McpUvCacheSweep is registered")
	var scripts := 0
	for relative in FsUtil.list_tree("res://addons/godot_ai"):
		if relative.ends_with(".gd"):
			var path := "res://addons/godot_ai".path_join(relative)
			expect(load(path) is GDScript, path + " loads")
			scripts += 1
	expect(scripts > 50, "godot-ai's scripts found (%d)" % scripts)


## The `builds_root` of each cache in a report, as Godot paths.
func _roots_of(report: Dictionary) -> Array:
	var roots := []
	for root: Dictionary in report.get("roots", []):
		roots.append(str(root.get("builds_root")).replace("\\", "/"))
	return roots


func _dead_dirs_in(roots: Array) -> int:
	var dead := 0
	for root: String in roots:
		for entry in FsUtil.names_in(root):
			if entry.begins_with("_dead_"):
				dead += 1
	return dead


func _entries_in(roots: Array) -> int:
	var entries := 0
	for root: String in roots:
		entries += FsUtil.names_in(root).size()
	return entries
