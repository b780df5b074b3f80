@tool
extends RefCounted
## Stand-in for godot-ai's utils/server_lifecycle.gd: the second script that
## preloads the sweeper.

const UvCacheCleanup := preload("res://addons/godot_ai/utils/uv_cache_cleanup.gd")


static func after_stop(builds_root: String) -> Dictionary:
	return UvCacheCleanup.purge_directory(builds_root)


static func remove_tree(path: String) -> bool:
	return UvCacheCleanup._remove_recursive(path)
