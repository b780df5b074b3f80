@tool
extends RefCounted
## Filesystem helpers for the in-engine tests: build sample caches, check what
## is left, clean up. Plain GDScript, independent of the class under test.


## Writes `text` to the file at `path`, creating its directories.
static func write_file(path: String, text: String) -> void:
	DirAccess.make_dir_recursive_absolute(path.get_base_dir())
	var file := FileAccess.open(path, FileAccess.WRITE)
	file.store_string(text)
	file.close()


## Creates the directory `path` and its parents.
static func make_dir(path: String) -> void:
	DirAccess.make_dir_recursive_absolute(path)


## A small uv-like build venv with nested and hidden entries.
static func make_venv(dir: String) -> void:
	write_file(dir.path_join("pyvenv.cfg"), "home = C:\\Python313\n")
	var pkg := dir.path_join("Lib/site-packages/pydantic_core")
	write_file(pkg.path_join("__init__.py"), "from ._pydantic_core import *\n")
	write_file(pkg.path_join("_pydantic_core.cp313-win_amd64.pyd"), "MZ")
	write_file(dir.path_join("Lib/site-packages/.hidden_marker"), "")
	write_file(dir.path_join(".lock/.hidden/deep/file.txt"), "x")
	make_dir(dir.path_join("Scripts/empty"))


## True if a file or directory is at `path`.
static func exists(path: String) -> bool:
	return FileAccess.file_exists(path) or DirAccess.dir_exists_absolute(path)


## The names in the directory `path` (hidden ones included), sorted.
static func names_in(path: String) -> PackedStringArray:
	var names: PackedStringArray = []
	var dir := DirAccess.open(path)
	if dir == null:
		return names
	dir.include_hidden = true
	for name in dir.get_directories():
		names.append(name)
	for name in dir.get_files():
		names.append(name)
	names.sort()
	return names


## Every path below `path`, relative to it, sorted: a snapshot to compare.
static func list_tree(path: String) -> PackedStringArray:
	var found: PackedStringArray = []
	var pending: PackedStringArray = [""]
	while not pending.is_empty():
		var relative: String = pending[pending.size() - 1]
		pending.remove_at(pending.size() - 1)
		var dir := DirAccess.open(path.path_join(relative))
		if dir == null:
			continue
		dir.include_hidden = true
		for sub in dir.get_directories():
			found.append(relative.path_join(sub) + "/")
			pending.append(relative.path_join(sub))
		for file in dir.get_files():
			found.append(relative.path_join(file))
	found.sort()
	return found


## Sets the modification time of the directory `dir` and of its direct
## entries to 1 Jan 2020, with the system's own tools (GDScript has no API for
## it). Returns false where that did not happen (Wine's powershell.exe is a
## stub that exits 0 and changes nothing, so the times are checked).
static func make_old(dir: String) -> bool:
	var global := ProjectSettings.globalize_path(dir)
	if not _set_old_times(global):
		return false
	var a_day_ago := int(Time.get_unix_time_from_system()) - 86400
	for name in names_in(global):
		if FileAccess.get_modified_time(global.path_join(name)) > a_day_ago:
			return false
	return FileAccess.get_modified_time(global) <= a_day_ago


static func _set_old_times(global: String) -> bool:
	var paths: PackedStringArray = [global]
	for name in names_in(global):
		paths.append(global.path_join(name))
	if OS.get_name() == "Windows":
		var quoted: PackedStringArray = []
		for path in paths:
			quoted.append("'%s'" % path.replace("/", "\\"))
		var script := (
			"Get-Item -Force %s | ForEach-Object { $_.LastWriteTime = '2020-01-01' }"
			% ",".join(quoted)
		)
		return OS.execute("powershell.exe", ["-NoProfile", "-Command", script]) == 0
	var args: PackedStringArray = ["-h", "-t", "202001010000"]
	args.append_array(paths)
	return OS.execute("touch", args) == 0


## Removes `path` and everything below it; a link is removed as a link and
## never followed. Used only to clean up between runs. GDScript does the work:
## in CI the Windows engine runs under Wine, where starting a process can fail
## under load, and that failure logs an ERROR that fails the run. The system's
## own tool is only the fallback for what is left (a dangling link, or a
## read-only file on Windows).
static func remove_tree(path: String) -> void:
	var global := ProjectSettings.globalize_path(path)
	if not exists(global):
		return
	var parent := DirAccess.open(global.get_base_dir())
	if parent != null and not parent.is_link(global):
		_remove_below(global)
	DirAccess.remove_absolute(global)
	if not exists(global):
		return
	if OS.get_name() == "Windows":
		OS.execute("cmd.exe", ["/c", "rmdir", "/s", "/q", global.replace("/", "\\")])
	else:
		OS.execute("rm", ["-rf", global])


static func _remove_below(dir_path: String) -> void:
	var dir := DirAccess.open(dir_path)
	if dir == null:
		return
	dir.include_hidden = true
	for name in dir.get_directories():
		var sub := dir_path.path_join(name)
		if not dir.is_link(sub):
			_remove_below(sub)
		DirAccess.remove_absolute(sub)
	for name in dir.get_files():
		DirAccess.remove_absolute(dir_path.path_join(name))
