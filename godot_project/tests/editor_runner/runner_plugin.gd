@tool
extends EditorPlugin
## Runs the in-engine suite (tests/suite.gd) inside the editor.
##
## tests/engine/godot_editor_linux.sh enables this plugin in a throwaway copy of the
## project and starts the editor headless; the suite prints its summary line
## and quits the editor. It waits for the editor's first filesystem scan, so
## that the classes' help pages exist before the tests read them.

const Suite := preload("res://tests/suite.gd")


func _enter_tree() -> void:
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--quit-mid-sweep="):
			_quit_mid_sweep(arg.trim_prefix("--quit-mid-sweep="))
			return
	_start_when_the_editor_is_ready()


## Enables the addon's plugin with `cache` (an OS path) to sweep, and quits
## the editor while that start sweep runs (tests/engine/godot_editor_linux.sh,
## stage quit-mid-sweep).
func _quit_mid_sweep(cache: String) -> void:
	var filesystem := EditorInterface.get_resource_filesystem()
	while filesystem.is_scanning():
		await get_tree().process_frame
	var settings := EditorInterface.get_editor_settings()
	settings.set_setting("mcp_uv_cache_cleanup/sweep/extra_builds_dirs", PackedStringArray([cache]))
	settings.set_setting("mcp_uv_cache_cleanup/sweep/min_age_sec", 0)
	settings.set_setting("mcp_uv_cache_cleanup/sweep/quit_wait_msec", 0)
	EditorInterface.set_plugin_enabled("mcp_uv_cache_cleanup", true)
	var plugin: Node = null
	for node in get_tree().root.find_children("*", "EditorPlugin", true, false):
		if node.has_method("is_sweeping"):
			plugin = node
	var sweeping: bool = plugin != null and plugin.call("is_sweeping")
	print("quit-mid-sweep: the plugin is sweeping: %s; quitting" % sweeping)
	get_tree().quit()


func _start_when_the_editor_is_ready() -> void:
	var filesystem := EditorInterface.get_resource_filesystem()
	while filesystem.is_scanning():
		await get_tree().process_frame
	# A few frames more: the editor finishes its own start-up work first.
	for _frame in 10:
		await get_tree().process_frame
	var suite: Node = Suite.new()
	suite.name = "McpUvCacheCleanupEditorSuite"
	add_child(suite)
