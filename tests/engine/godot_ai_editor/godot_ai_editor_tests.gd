@tool
extends "res://tests/test_case.gd"
## The real godot-ai plugin and this addon in one Godot editor, in the stage
## tests/engine/godot_ai_editor.sh names (user argument `--stage=`), each a fresh
## editor start:
##
## - `installed`: godot-ai as it ships; its scripts compile, its plugin is in
##   the tree, its GDScript McpUvCacheCleanup is the one in use, and our own
##   editor plugin, enabled beside it, still sweeps natively (McpUvCacheSweep);
## - `adopted`: godot-ai's uv_cache_cleanup.gd replaced by our integration
##   file; the native class is active, and godot-ai's own stop and
##   force-restart code (utils/server_lifecycle.gd), with its real Python
##   server on loopback, reaches the native sweep, as the native class's own
##   record of live sweeps shows;
## - `toggled`: godot-ai disabled and enabled again; nothing breaks.
##
## Where godot-ai's plugin.gd does not compile (before Godot 4.5; the runner
## says so with `--godot-ai-plugin=uncompilable` and names the scripts with
## `--foreign-scripts=`), installed and adopted check our side only, and
## adopted shows godot-ai's adopted file sweeping natively, called directly.
##
## godot-ai is reached by name at run time (its plugin node and lifecycle
## object), and so is the native class (in the installed stage the name
## `McpUvCacheCleanup` is godot-ai's script class), so this file compiles in
## every stage.

const PLUGIN_SCRIPT := "res://addons/godot_ai/plugin.gd"
const PLUGIN_NAME := "godot_ai"
const SERVER_PORT := 8000
## How long the Python server may take to start listening, or to stop.
const SERVER_TIMEOUT_MSEC := 60000
const NATIVE_CLASSES := ["McpUvCacheCleanup", "McpUvCacheSweep"]
const OUR_PLUGIN_NAME := "mcp_uv_cache_cleanup"
const OUR_PLUGIN_SCRIPT := "res://addons/mcp_uv_cache_cleanup/editor/editor_plugin.gd"
const GODOT_AI_FILE := "res://addons/godot_ai/utils/uv_cache_cleanup.gd"


func test_stage() -> void:
	if not Engine.is_editor_hint():
		skip("needs the editor (tests/engine/godot_ai_editor.sh)")
		return
	var stage := _stage()
	match stage:
		"installed":
			await _installed()
		"adopted":
			await _adopted()
		"toggled":
			await _toggled()
		_:
			problems.append("unknown stage '%s'" % stage)


func _installed() -> void:
	var plugin := _godot_ai_plugin()
	if _godot_ai_plugin_compiles():
		expect(plugin != null, "godot-ai's plugin is in the editor's tree")
	expect(not ClassDB.class_exists("McpUvCacheCleanup"), "the native McpUvCacheCleanup stands aside")
	expect(ClassDB.class_exists("McpUvCacheSweep"), "McpUvCacheSweep registered: the plugin's way in")
	expect(ClassDB.class_exists("McpUvCacheExportGuard"), "McpUvCacheExportGuard registered: exports")
	expect(_script_class_path("McpUvCacheCleanup").ends_with("godot_ai/utils/uv_cache_cleanup.gd"),
		"McpUvCacheCleanup is godot-ai's script class")
	_expect_every_godot_ai_script_compiles()
	await _our_plugin_sweeps_beside_godot_ai()
	if plugin != null:
		await _stop_server(plugin)


## Our editor plugin, enabled beside godot-ai as it ships, sweeps natively
## (a cache of the test's, beside uv's own, which the stage keeps in a
## scratch XDG_CACHE_HOME).
func _our_plugin_sweeps_beside_godot_ai() -> void:
	var root := scratch("our_plugin")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_venv(root.path_join("_dead_.tmpB"))
	var settings := EditorInterface.get_editor_settings()
	var cache := PackedStringArray([ProjectSettings.globalize_path(root)])
	settings.set_setting("mcp_uv_cache_cleanup/sweep/extra_builds_dirs", cache)
	settings.set_setting("mcp_uv_cache_cleanup/sweep/min_age_sec", 0)
	EditorInterface.set_plugin_enabled(OUR_PLUGIN_NAME, true)
	var ours := editor_plugin_node(OUR_PLUGIN_SCRIPT)
	if expect_object(ours, "EditorPlugin", "our plugin beside godot-ai"):
		var report: Variant = await next_emitted(ours, &"sweep_finished")
		var deleted: Variant = report.get("deleted") if report is Dictionary else null
		expect_eq(deleted, 2, "our plugin's start sweep beside godot-ai")
		expect_eq(FsUtil.names_in(root), PackedStringArray(), "the cache after it")
	EditorInterface.set_plugin_enabled(OUR_PLUGIN_NAME, false)
	expect_eq(editor_plugin_node(OUR_PLUGIN_SCRIPT), null, "our plugin disabled")


func _adopted() -> void:
	for class_id in NATIVE_CLASSES:
		expect(ClassDB.class_exists(class_id), class_id + " registered: the native class is active")
	expect(_script_class_path("McpUvCacheCleanup").is_empty(), "no script class of that name left")
	_expect_every_godot_ai_script_compiles()
	if not _godot_ai_plugin_compiles():
		# Its plugin cannot run here: its adopted file, called directly.
		var before := _live_sweep_calls()
		var swept: Variant = load(GODOT_AI_FILE).call("purge_stale_builds")
		expect(swept is Dictionary and swept.has("deleted"), "the adopted file's purge_stale_builds")
		expect_eq(_live_sweep_calls(), before + 1, "the adopted file reached the native sweep once")
		return
	var plugin := _godot_ai_plugin()
	if not expect_object(plugin, "EditorPlugin", "godot-ai's plugin"):
		return
	var lifecycle: Object = plugin.get("_lifecycle")
	if not expect_object(lifecycle, "RefCounted", "godot-ai's server lifecycle"):
		return
	if not await _port_becomes(true, "godot-ai's server listens (started by the plugin)"):
		return
	var calls := _live_sweep_calls()

	# Its force-restart path (the dock's Restart Server): kills the server it
	# owns, sweeps, and spawns it again.
	lifecycle.call("force_restart_server")
	expect_eq(_live_sweep_calls(), calls + 1, "force_restart_server reached the native sweep once")
	if OS.get_name() != "Windows":
		var rule: Variant = _native("last_stale_builds_sweep").get("rule")
		expect_eq(rule, "not Windows", "the native sweep's rule")
	await _port_becomes(true, "the server listens again after the force restart")

	# Its stop path (the dock's Stop Server, and every plugin unload).
	lifecycle.call("stop_server")
	expect_eq(_live_sweep_calls(), calls + 2, "stop_server reached the native sweep once")
	await _port_becomes(false, "the server stopped")


func _toggled() -> void:
	var editor: Object = Engine.get_singleton("EditorInterface")
	expect(editor.call("is_plugin_enabled", PLUGIN_NAME), "godot-ai enabled at start")
	var first := _godot_ai_plugin()
	if first != null:
		await _stop_server(first)
	editor.call("set_plugin_enabled", PLUGIN_NAME, false)
	await _frames(10)
	expect(not editor.call("is_plugin_enabled", PLUGIN_NAME), "godot-ai disabled")
	expect(_godot_ai_plugin() == null, "godot-ai's plugin left the tree")
	editor.call("set_plugin_enabled", PLUGIN_NAME, true)
	await _frames(10)
	expect(editor.call("is_plugin_enabled", PLUGIN_NAME), "godot-ai enabled again")
	var again := _godot_ai_plugin()
	expect(again != null, "godot-ai's plugin is back in the tree")
	var native_count := 0
	for class_id in ClassDB.get_class_list():
		if class_id == "McpUvCacheCleanup":
			native_count += 1
	expect_eq(native_count, 1, "one native McpUvCacheCleanup after the toggle")
	var root := scratch("toggled")
	FsUtil.make_venv(root.path_join(".tmpA"))
	var result: Dictionary = _native("purge_directory", [root])
	expect_eq(result, counts(1, 1, 1, 0), "the native sweep still works")
	if again != null:
		await _port_becomes(true, "the re-enabled plugin's server listens")
		await _stop_server(again)


func _stage() -> String:
	return _user_arg("--stage=")


## The value of the user argument `prefix`VALUE, or "".
func _user_arg(prefix: String) -> String:
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with(prefix):
			return arg.trim_prefix(prefix)
	return ""


## False where the runner says godot-ai's plugin.gd does not compile.
func _godot_ai_plugin_compiles() -> bool:
	return _user_arg("--godot-ai-plugin=") != "uncompilable"


## godot-ai's EditorPlugin node, or null.
func _godot_ai_plugin() -> EditorPlugin:
	return editor_plugin_node(PLUGIN_SCRIPT)


## The path of the script class named `class_id`, or "".
func _script_class_path(class_id: String) -> String:
	for entry in ProjectSettings.get_global_class_list():
		if entry["class"] == class_id:
			return entry["path"]
	return ""


func _expect_every_godot_ai_script_compiles() -> void:
	var scripts: PackedStringArray = []
	# The scripts the runner names as failing to compile on this engine.
	var foreign := _user_arg("--foreign-scripts=").split(",", false)
	for relative in FsUtil.list_tree("res://addons/godot_ai"):
		var path := "res://addons/godot_ai".path_join(relative)
		if relative.ends_with(".gd") and not path in foreign:
			scripts.append(path)
	expect(scripts.size() > 50, "godot-ai's scripts found (%d)" % scripts.size())
	# A script that does not parse logs its Parse Error, which fails the run;
	# can_instantiate() cannot tell, as it is false in the editor for every
	# script without @tool.
	for path in scripts:
		expect(load(path) is GDScript, path + " loads")


func _live_sweep_calls() -> int:
	return _native("last_stale_builds_sweep").get("calls", 0)


## Calls the native class's static `method`, looked up by name; {} (and a
## problem) when the native class is not registered.
func _native(method: String, args: Array = []) -> Dictionary:
	if not ClassDB.class_exists("McpUvCacheCleanup"):
		problems.append("the native McpUvCacheCleanup is not registered")
		return {}
	return ClassDB.instantiate("McpUvCacheCleanup").callv(method, args)


## Stops godot-ai's server through its own lifecycle, and waits for the port.
func _stop_server(plugin: Object) -> void:
	var lifecycle: Object = plugin.get("_lifecycle")
	if lifecycle != null and lifecycle.call("has_managed_server"):
		lifecycle.call("stop_server")
	await _port_becomes(false, "godot-ai's server stopped")


## Waits until something listens on the server port (or nothing does), up
## to SERVER_TIMEOUT_MSEC; a problem naming `what` if it never happens.
func _port_becomes(listening: bool, what: String) -> bool:
	var deadline := Time.get_ticks_msec() + SERVER_TIMEOUT_MSEC
	while Time.get_ticks_msec() < deadline:
		if _port_listening() == listening:
			return true
		await _frames(30)
	problems.append("%s: not within %d ms" % [what, SERVER_TIMEOUT_MSEC])
	return false


func _port_listening() -> bool:
	var peer := StreamPeerTCP.new()
	if peer.connect_to_host("127.0.0.1", SERVER_PORT) != OK:
		return false
	var deadline := Time.get_ticks_msec() + 1000
	while Time.get_ticks_msec() < deadline:
		peer.poll()
		var status := peer.get_status()
		if status == StreamPeerTCP.STATUS_CONNECTED:
			peer.disconnect_from_host()
			return true
		if status == StreamPeerTCP.STATUS_ERROR or status == StreamPeerTCP.STATUS_NONE:
			return false
		OS.delay_msec(10)
	return false


func _frames(count: int) -> void:
	for _frame in count:
		await tree.process_frame
