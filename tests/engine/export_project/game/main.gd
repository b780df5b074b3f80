extends Node
## The exported game: says what of the addon the export carries, sweeps a
## stale build dir through the native class when it is there, and quits.
## tests/engine/godot_export.sh reads the GAME lines.

const ADDON_DIR := "res://addons/mcp_uv_cache_cleanup/"


func _ready() -> void:
	var files := PackedStringArray()
	_walk("res://", files)
	var ours := PackedStringArray()
	for path in files:
		if path.begins_with(ADDON_DIR):
			ours.append(path)
	print("GAME files=%d" % files.size())
	print("GAME addon_files=%s" % ",".join(ours))
	var extension_list := FileAccess.get_file_as_string("res://.godot/extension_list.cfg")
	print("GAME extension_list=%s" % ",".join(extension_list.strip_edges().split("\n", false)))
	var registered := ClassDB.class_exists(&"McpUvCacheCleanup")
	print("GAME class_registered=%s" % registered)
	if registered:
		print("GAME sweep=%s" % _sweep_one_stale_dir())
	get_tree().quit(0)


## Sweeps a builds dir with one stale .tmp dir in it; returns the report
## as "scanned,deleted,remaining" or the reason it could not.
func _sweep_one_stale_dir() -> String:
	var root := OS.get_user_data_dir().path_join("export_test_builds")
	var stale := root.path_join(".tmpEXPORT")
	if DirAccess.make_dir_recursive_absolute(stale) != OK:
		return "cannot create " + stale
	var file := FileAccess.open(stale.path_join("module.pyd"), FileAccess.WRITE)
	if file == null:
		return "cannot write in " + stale
	file.store_string("x")
	file.close()
	# Named at run time only: the game must compile where the class is not.
	var native: Object = ClassDB.instantiate(&"McpUvCacheCleanup")
	var report: Dictionary = native.call("purge_directory", root)
	var gone := not DirAccess.dir_exists_absolute(stale)
	return "%s,%s,%s,gone=%s" % [
		report.get("scanned"), report.get("deleted"), report.get("remaining"), gone
	]


func _walk(dir: String, files: PackedStringArray) -> void:
	for name in DirAccess.get_files_at(dir):
		files.append(dir.path_join(name))
	for name in DirAccess.get_directories_at(dir):
		_walk(dir.path_join(name), files)
