@tool
class_name McpUvCacheSweepHook
extends RefCounted
## The one line the godot-ai plugin calls after it stops or restarts its server:
##
##     McpUvCacheSweepHook.after_server_stop()
##
## Sweeps uv's build caches with the native McpUvCacheCleanup, as
## purge_stale_builds() does (on Windows: the cache of the editor's
## environment and uv's default one, %LOCALAPPDATA%\uv\cache\builds-v0, which
## godot-ai 4's isolated server uses; each once), and prints one summary line
## to the Output for each that had anything swept or remaining. Two project
## settings choose how:
##
## - mcp_uv_cache_cleanup/sweep/mode: "async" (default: on a worker thread,
##   the editor never waits) or "sync" (returns when done);
## - mcp_uv_cache_cleanup/sweep/min_age_sec: a build dir touched within this
##   many seconds is left alone, as an MCP client may be starting uvx at that
##   very moment (default 30).
##
## It names the native classes only at run time, so it compiles and does
## nothing (returns null) where the native class is not registered: no library
## for this platform, or a project script that declares the same class name
## (the extension then leaves that one class out and says so once at start-up).

const SETTING_MODE := "mcp_uv_cache_cleanup/sweep/mode"
const SETTING_MIN_AGE_SEC := "mcp_uv_cache_cleanup/sweep/min_age_sec"
const MODE_ASYNC := "async"
const MODE_SYNC := "sync"
const DEFAULT_MIN_AGE_SEC := 30
const NATIVE_CLASS := &"McpUvCacheCleanup"


## Sweeps the caches. Returns the McpUvCacheSweep (async mode; it emits
## `finished(result)`, the counts summed), the result Dictionary (sync mode),
## or null when there is nothing to sweep on this system or the native class
## is not registered. `builds_root` sweeps that one directory instead (tests
## use it).
static func after_server_stop(builds_root: String = "") -> Variant:
	if not ClassDB.class_exists(NATIVE_CLASS):
		return null
	var native: Object = ClassDB.instantiate(NATIVE_CLASS)
	var options := {"min_age_sec": get_min_age_sec(), "log_summary": true}
	var sync := get_mode() == MODE_SYNC
	if builds_root.is_empty():
		var roots: PackedStringArray = native.call("stale_builds_roots")
		if roots.is_empty():
			return null
		if sync:
			return native.call("purge_stale_builds_with", options)
		return native.call("purge_stale_builds_async_with", options)
	if sync:
		return native.call("purge_directory_with", builds_root, options)
	return native.call("purge_directory_async_with", builds_root, options)


## The sweep mode from the project settings: "async" unless set to "sync".
static func get_mode() -> String:
	var mode := str(ProjectSettings.get_setting(SETTING_MODE, MODE_ASYNC))
	return MODE_SYNC if mode == MODE_SYNC else MODE_ASYNC


## The minimum age from the project settings (30 unless set).
static func get_min_age_sec() -> int:
	var value: Variant = ProjectSettings.get_setting(SETTING_MIN_AGE_SEC, DEFAULT_MIN_AGE_SEC)
	return maxi(int(value), 0) if value is int or value is float else DEFAULT_MIN_AGE_SEC


## Adds both settings, with their defaults, to Project Settings so users can
## find them. Call once from the plugin's _enter_tree().
static func register_project_settings() -> void:
	_register(SETTING_MODE, MODE_ASYNC, TYPE_STRING, PROPERTY_HINT_ENUM, "async,sync")
	_register(
		SETTING_MIN_AGE_SEC, DEFAULT_MIN_AGE_SEC, TYPE_INT, PROPERTY_HINT_RANGE, "0,3600,1,or_greater"
	)


static func _register(
	setting: String, default_value: Variant, value_type: int, hint: int, hint_string: String
) -> void:
	if not ProjectSettings.has_setting(setting):
		ProjectSettings.set_setting(setting, default_value)
	ProjectSettings.set_initial_value(setting, default_value)
	ProjectSettings.add_property_info(
		{"name": setting, "type": value_type, "hint": hint, "hint_string": hint_string}
	)
