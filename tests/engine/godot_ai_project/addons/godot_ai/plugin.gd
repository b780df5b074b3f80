@tool
extends Node
## Stand-in for godot-ai's plugin.gd: preloads the sweeper and runs it when
## its server stops. (godot-ai's extends EditorPlugin, which export templates
## do not have; the preload is what matters here.)

const UvCacheCleanup := preload("res://addons/godot_ai/utils/uv_cache_cleanup.gd")


func stop_server(builds_root: String) -> Dictionary:
	return UvCacheCleanup.purge_directory(builds_root)
