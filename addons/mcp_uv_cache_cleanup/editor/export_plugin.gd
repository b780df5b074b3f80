@tool
extends EditorExportPlugin
## Keeps the addon out of exported games: it is an editor tool, so by default
## an export carries none of its files, no library of it, and no line naming
## its .gdextension in the game's extension list (a listed extension that is
## not in the export is an error at the game's start).
##
## The export option "mcp_uv_cache_cleanup/include_in_export" (Project >
## Export, per preset; off by default) brings the runtime part back for a game
## that calls McpUvCacheCleanup itself: the .gdextension, and through Godot's
## own GDExtension export plugin the library for the preset's platform. The
## editor-only part (editor/, plugin.cfg) never ships. A platform with no
## library of ours (Web, Android, iOS) gets nothing even then, and the export
## says so once.
##
## Registered in every editor by the native McpUvCacheExportGuard, or, where
## that class is not registered (a first import), by editor_plugin.gd.

const ADDON_DIR := "res://addons/mcp_uv_cache_cleanup/"
const GDEXTENSION_PATH := ADDON_DIR + "mcp_uv_cache_cleanup.gdextension"
## Files that only the editor can use, never exported.
const EDITOR_ONLY := [ADDON_DIR + "editor/", ADDON_DIR + "plugin.cfg"]
const INCLUDE_OPTION := "mcp_uv_cache_cleanup/include_in_export"
## The file a game reads at start to load its extensions; Godot 4.3 to 4.6
## export it as the editor has it (4.7 drops lines of files left out by the
## preset's filters, but not of files an export plugin skips).
const EXTENSION_LIST := "res://.godot/extension_list.cfg"
const PREFIX := "McpUvCacheCleanup export: "

## True during an export that leaves the runtime part out.
var _excluding := true
## The editor's extension list while an export runs with ours taken out of
## it; null when the file on disk is the editor's own.
var _saved_extension_list: Variant = null


## Godot runs export plugins sorted by this name, and a skip() stops only the
## plugins after the one that calls it. Its own "GDExtension" plugin copies a
## .gdextension's library as soon as it sees the file, so ours must come
## first: the name sorts before "GDExtension" (and "GDScript").
func _get_name() -> String:
	return "AddonMcpUvCacheCleanup"


func _get_export_options(_platform: EditorExportPlatform) -> Array[Dictionary]:
	return [
		{
			"option": {"name": INCLUDE_OPTION, "type": TYPE_BOOL},
			"default_value": false,
		},
	]


func _export_begin(
	features: PackedStringArray, _is_debug: bool, _path: String, _flags: int
) -> void:
	_excluding = true
	if get_option(INCLUDE_OPTION) == true:
		if has_library_for(features):
			_excluding = false
		else:
			print(
				PREFIX + "%s is on, but the addon has no library for this platform (%s), "
				% [INCLUDE_OPTION, ", ".join(features)]
				+ "so the export leaves it out."
			)
	if _excluding:
		_hide_from_extension_list()


func _export_file(path: String, _type: String, _features: PackedStringArray) -> void:
	if not path.begins_with(ADDON_DIR):
		return
	if _excluding or is_editor_only(path):
		skip()


func _export_end() -> void:
	restore_extension_list()


## True if the addon's .gdextension names a library for an export with
## FEATURES: an entry whose every tag is one of them, as Godot picks one.
static func has_library_for(features: PackedStringArray) -> bool:
	var config := ConfigFile.new()
	if config.load(GDEXTENSION_PATH) != OK or not config.has_section("libraries"):
		return false
	for key in config.get_section_keys("libraries"):
		var matches := true
		for tag in key.split("."):
			if not features.has(tag):
				matches = false
				break
		if matches:
			return true
	return false


## True for the files of the addon that only the editor can use.
static func is_editor_only(path: String) -> bool:
	for prefix in EDITOR_ONLY:
		if path.begins_with(prefix):
			return true
	return false


## Puts the editor's own extension list back, if an export changed it.
## Also called when the plugin leaves the editor, in case an export never
## reached its end.
func restore_extension_list() -> void:
	if _saved_extension_list != null and _write_extension_list(_saved_extension_list):
		_saved_extension_list = null


## Writes the extension list without the addon's line for the export to read;
## the editor does not read the file again while it runs, and _export_end()
## puts it back.
func _hide_from_extension_list() -> void:
	if _saved_extension_list != null or not FileAccess.file_exists(EXTENSION_LIST):
		return
	var text := FileAccess.get_file_as_string(EXTENSION_LIST)
	var kept := PackedStringArray()
	for line in text.split("\n"):
		var entry := line.strip_edges()
		if not entry.is_empty() and entry != GDEXTENSION_PATH:
			kept.append(entry)
	var filtered := "\n".join(kept) + ("\n" if not kept.is_empty() else "")
	if filtered != text and _write_extension_list(filtered):
		_saved_extension_list = text


## Replaces the extension list's text; false (and an error in the Output) if
## the file cannot be written.
static func _write_extension_list(text: String) -> bool:
	var file := FileAccess.open(EXTENSION_LIST, FileAccess.WRITE)
	if file == null:
		push_error(
			PREFIX + "could not write %s: %s"
			% [EXTENSION_LIST, error_string(FileAccess.get_open_error())]
		)
		return false
	file.store_string(text)
	file.close()
	return true
