@tool
class_name McpUvCacheCleanup
extends RefCounted
## Stand-in for godot-ai's GDScript sweeper, as godot-ai ships it: a script
## class named like the native class. Written for these tests from godot-ai's
## public behaviour (rename `.tmp*` to `_dead_*`, then delete `_dead_*`).


static func purge_stale_builds() -> Dictionary:
	if OS.get_name() != "Windows" or OS.get_environment("LOCALAPPDATA").is_empty():
		return {"scanned": 0, "renamed": 0, "deleted": 0, "remaining": 0}
	var local_appdata := OS.get_environment("LOCALAPPDATA").replace("\\", "/")
	return purge_directory(local_appdata.path_join("uv/cache/builds-v0"))


static func purge_directory(builds_root: String) -> Dictionary:
	var result := {"scanned": 0, "renamed": 0, "deleted": 0, "remaining": 0}
	var dir := DirAccess.open(builds_root)
	if dir == null:
		return result
	dir.include_hidden = true
	var dead: Array[String] = []
	for name in dir.get_directories():
		if name.begins_with(".tmp"):
			result["scanned"] += 1
			if dir.rename(name, "_dead_" + name) == OK:
				result["renamed"] += 1
				dead.append("_dead_" + name)
		elif name.begins_with("_dead_"):
			dead.append(name)
	for name in dead:
		if _remove_recursive(builds_root.path_join(name)):
			result["deleted"] += 1
	for name in DirAccess.get_directories_at(builds_root):
		if name.begins_with("_dead_"):
			result["remaining"] += 1
	return result


static func _remove_recursive(path: String) -> bool:
	var dir := DirAccess.open(path)
	if dir != null:
		dir.include_hidden = true
		for name in dir.get_files():
			dir.remove(name)
		for name in dir.get_directories():
			_remove_recursive(path.path_join(name))
	DirAccess.remove_absolute(path)
	return not DirAccess.dir_exists_absolute(path)
