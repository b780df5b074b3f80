@tool
extends RefCounted
## Drop-in replacement for godot-ai's `addons/godot_ai/utils/uv_cache_cleanup.gd`.
##
## Copy this file over that one and godot-ai uses the native sweep: no other
## edit. It has no `class_name` (so it can never hide the native class), and
## the static API godot-ai and its tests call through their preload:
## `purge_stale_builds()`, `purge_directory(builds_root)` and
## `_remove_recursive(path)`.
##
## When the native `McpUvCacheCleanup` is registered, the two purges forward
## to it (looked up by name at run time: GDScript cannot name a class that may
## not exist, on any Godot from 4.3). Otherwise, say on a platform with no
## native library, this file sweeps in GDScript by the same rules, and gives
## the same Dictionary: `.tmp*` directories (never links, never files) are
## renamed to a free `_dead_*` name, every `_dead_*` directory is removed
## contents first without following links, read-only files are made writable
## and retried, and what cannot be removed stays for the next sweep.
## Limits of the GDScript sweep: it walks by path (no deeper than the OS can
## name) and does not make read-only directories writable on Unix.

const NATIVE_CLASS := &"McpUvCacheCleanup"
const TMP_PREFIX := ".tmp"
const DEAD_PREFIX := "_dead_"
const MAX_DEAD_NAME_ATTEMPTS := 10000


## Sweeps `%LOCALAPPDATA%/uv/cache/builds-v0` on Windows; all zeros elsewhere
## or when `LOCALAPPDATA` is not set.
static func purge_stale_builds() -> Dictionary:
	var native := _native()
	if native != null:
		return native.call("purge_stale_builds")
	if OS.get_name() != "Windows":
		return _zeros()
	var local_appdata := OS.get_environment("LOCALAPPDATA")
	if local_appdata.is_empty():
		return _zeros()
	return gdscript_purge_directory(local_appdata.replace("\\", "/").path_join("uv/cache/builds-v0"))


## Sweeps `builds_root` (an OS path, or `user://` / `res://`). Returns
## `{scanned, renamed, deleted, remaining}`.
static func purge_directory(builds_root: String) -> Dictionary:
	var native := _native()
	if native != null:
		return native.call("purge_directory", builds_root)
	return gdscript_purge_directory(builds_root)


## Removes the directory `path` and everything in it, best effort, without
## following links. True only if `path` is gone afterwards. (What godot-ai's
## tests call; always GDScript, as the native class has no such method.)
static func _remove_recursive(path: String) -> bool:
	return _remove_tree(_os_path(path))


## True when the purges forward to the native class.
static func is_native() -> bool:
	return _native() != null


## The GDScript sweep, whether or not the native class is registered (the
## fallback; tests and the benchmark call it directly).
static func gdscript_purge_directory(builds_root: String) -> Dictionary:
	var result := _zeros()
	if builds_root.is_empty():
		push_warning("McpUvCacheCleanup: nothing swept: no directory given (empty path)")
		return result
	var root := _os_path(builds_root)
	if not DirAccess.dir_exists_absolute(root):
		if FileAccess.file_exists(root):
			push_warning("McpUvCacheCleanup: nothing swept: %s: not a directory" % root)
		return result
	var scan := _scan(root)
	if scan.is_empty():
		push_warning("McpUvCacheCleanup: nothing swept: %s: cannot list directory" % root)
		return result
	var builds: PackedStringArray = scan["builds"]
	var dead: PackedStringArray = scan["dead"]
	result["scanned"] = builds.size()
	var dir := DirAccess.open(root)
	for name in builds:
		var dead_name := _free_dead_name(dir, name)
		if not dead_name.is_empty() and dir.rename(name, dead_name) == OK:
			result["renamed"] += 1
			dead.append(dead_name)
	for name in dead:
		if _remove_tree(root.path_join(name)):
			result["deleted"] += 1
	var after := _scan(root)
	var remaining: PackedStringArray = after.get("dead", PackedStringArray())
	result["remaining"] = remaining.size()
	if result["remaining"] > 0:
		push_warning(
			(
				"McpUvCacheCleanup: removed %d stale uv build dir(s); %d remain in %s"
				% [result["deleted"], result["remaining"], root]
				+ " (retried on the next sweep)"
			)
		)
	return result


## The instance to forward to, or null when the native class is not there.
static func _native() -> Object:
	if not ClassDB.class_exists(NATIVE_CLASS) or not ClassDB.can_instantiate(NATIVE_CLASS):
		return null
	return ClassDB.instantiate(NATIVE_CLASS)


static func _zeros() -> Dictionary:
	return {"scanned": 0, "renamed": 0, "deleted": 0, "remaining": 0}


static func _os_path(path: String) -> String:
	if path.begins_with("res://") or path.begins_with("user://"):
		return ProjectSettings.globalize_path(path)
	return path


## `{builds, dead}`: the root's `.tmp*` and `_dead_*` real directories
## (not links, not files), sorted; {} if the root cannot be listed.
static func _scan(root: String) -> Dictionary:
	var dir := DirAccess.open(root)
	if dir == null:
		return {}
	dir.include_hidden = true
	var builds: PackedStringArray = []
	var dead: PackedStringArray = []
	dir.list_dir_begin()
	var name := dir.get_next()
	while not name.is_empty():
		if dir.current_is_dir() and not dir.is_link(name):
			if name.begins_with(TMP_PREFIX):
				builds.append(name)
			elif name.begins_with(DEAD_PREFIX):
				dead.append(name)
		name = dir.get_next()
	dir.list_dir_end()
	builds.sort()
	dead.sort()
	return {"builds": builds, "dead": dead}


## `_dead_<name>`, or `_dead_1_<name>`, `_dead_2_<name>`, ... when taken: an
## existing entry is never replaced. "" if every candidate is taken.
static func _free_dead_name(dir: DirAccess, name: String) -> String:
	var candidate := DEAD_PREFIX + name
	var attempt := 0
	while _is_taken(dir, candidate):
		attempt += 1
		if attempt >= MAX_DEAD_NAME_ATTEMPTS:
			return ""
		candidate = "%s%d_%s" % [DEAD_PREFIX, attempt, name]
	return candidate


static func _is_taken(dir: DirAccess, name: String) -> bool:
	return dir.dir_exists(name) or dir.file_exists(name) or dir.is_link(name)


## Removes `path` contents first, iteratively; links are removed as links.
## True if `path` is gone afterwards.
static func _remove_tree(path: String) -> bool:
	var pending: PackedStringArray = [path]
	var directories: PackedStringArray = []
	while not pending.is_empty():
		var current := pending[pending.size() - 1]
		pending.remove_at(pending.size() - 1)
		directories.append(current)
		var dir := DirAccess.open(current)
		if dir == null:
			continue
		dir.include_hidden = true
		dir.list_dir_begin()
		var name := dir.get_next()
		while not name.is_empty():
			var child := current.path_join(name)
			if dir.current_is_dir() and not dir.is_link(name):
				pending.append(child)
			else:
				_remove_entry(child)
			name = dir.get_next()
		dir.list_dir_end()
	# Parents were listed before their children: remove in reverse.
	for index in range(directories.size() - 1, -1, -1):
		_remove_entry(directories[index])
	return not DirAccess.dir_exists_absolute(path)


## Removes one file, link or empty directory; a read-only one is made
## writable and tried once more.
static func _remove_entry(path: String) -> void:
	if DirAccess.remove_absolute(path) == OK:
		return
	if FileAccess.get_read_only_attribute(path):
		FileAccess.set_read_only_attribute(path, false)
		DirAccess.remove_absolute(path)
