extends RefCounted
## A straightforward GDScript sweep with DirAccess, the baseline the in-engine
## benchmark measures the native class against. Same algorithm: list the root,
## rename each `.tmp*` dir to `_dead_<name>`, remove every `_dead_*` dir
## depth-first, count the `_dead_*` dirs left. No link or read-only handling:
## it exists to be timed, not shipped.

const TMP := ".tmp"
const DEAD := "_dead_"


static func purge_directory(root: String) -> Dictionary:
	var result := {"scanned": 0, "renamed": 0, "deleted": 0, "remaining": 0}
	var dir := DirAccess.open(root)
	if dir == null:
		return result
	dir.include_hidden = true
	var builds: PackedStringArray = []
	var dead: PackedStringArray = []
	for name in dir.get_directories():
		if name.begins_with(TMP):
			builds.append(name)
		elif name.begins_with(DEAD):
			dead.append(name)
	result["scanned"] = builds.size()
	for name in builds:
		if dir.rename(root.path_join(name), root.path_join(DEAD + name)) == OK:
			result["renamed"] += 1
			dead.append(DEAD + name)
	for name in dead:
		if _remove_tree(root.path_join(name)):
			result["deleted"] += 1
	for name in DirAccess.get_directories_at(root):
		if name.begins_with(DEAD):
			result["remaining"] += 1
	return result


static func _remove_tree(path: String) -> bool:
	var dir := DirAccess.open(path)
	if dir == null:
		return false
	dir.include_hidden = true
	for file in dir.get_files():
		dir.remove(file)
	for sub in dir.get_directories():
		_remove_tree(path.path_join(sub))
	return DirAccess.remove_absolute(path) == OK
