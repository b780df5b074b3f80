@tool
extends "res://tests/test_case.gd"
## Tests that only mean something inside the editor, where godot-ai runs:
## tests/engine/godot_editor_linux.sh runs them in a Godot editor that discovered the
## extension itself. Each test skips, saying why, anywhere else.

## The classes whose help pages must be complete.
const DOCUMENTED_CLASSES := ["McpUvCacheCleanup", "McpUvCacheSweep", "McpUvCacheExportGuard"]
## Documented classes without methods or signals of their own, each with the
## start of its description, which its page must show instead.
const DESCRIBED_ONLY := {"McpUvCacheExportGuard": "Keeps the addon out of exported games"}
## What the editor's help says of an item without a description.
const NO_DESCRIPTION := "There is currently no description"
## How long the help page may take to appear.
const HELP_TIMEOUT_MSEC := 10000


func test_native_classes_are_registered_in_the_editor() -> void:
	if not _in_editor():
		return
	expect(Engine.is_editor_hint(), "Engine.is_editor_hint() in the editor")
	for class_id in DOCUMENTED_CLASSES:
		expect(ClassDB.class_exists(class_id), class_id + " registered")
		expect(ClassDB.is_class_enabled(class_id), class_id + " enabled")
	var instance: Object = ClassDB.instantiate(CLEANUP_CLASS)
	expect(instance.get_script() == null, "McpUvCacheCleanup is the native class, not a script")


func test_both_purges_and_an_async_sweep_run_in_the_editor() -> void:
	if not _in_editor():
		return
	var root := scratch("editor_purges")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_venv(root.path_join("_dead_.tmpOld"))
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 2, 0), "purge_directory")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left after purge_directory")
	# The live cache is swept only on Windows; the editor runs on Linux here.
	expect_eq(cleanup.stale_builds_root(), "", "stale_builds_root off Windows")
	var live: Dictionary = cleanup.purge_stale_builds()
	expect_eq(live, counts(0, 0, 0, 0), "purge_stale_builds off Windows")
	FsUtil.make_venv(root.path_join(".tmpB"))
	var result: Dictionary = await finished(cleanup.purge_directory_async(root))
	expect_eq(result, counts(1, 1, 1, 0), "purge_directory_async")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left after the async sweep")


func test_help_pages_describe_every_item() -> void:
	if not _in_editor():
		return
	for class_id in DOCUMENTED_CLASSES:
		var text := await _help_page_text(class_id)
		if text.is_empty():
			problems.append("%s: no help page in the editor" % class_id)
			continue
		var missing := text.count(NO_DESCRIPTION)
		expect(missing == 0, "%s: %d item(s) say \"%s\"" % [class_id, missing, NO_DESCRIPTION])
		var items: PackedStringArray = []
		for method in ClassDB.class_get_method_list(class_id, true):
			# The help leaves out methods named with a leading underscore
			# (internal ones, such as McpUvCacheSweep._poll_frame).
			if not String(method["name"]).begins_with("_"):
				items.append(method["name"])
		for signal_info in ClassDB.class_get_signal_list(class_id, true):
			items.append(signal_info["name"])
		if DESCRIBED_ONLY.has(class_id):
			expect(text.contains(DESCRIBED_ONLY[class_id]), class_id + ": help page shows its description")
			expect(items.is_empty(), class_id + ": no methods or signals to describe")
			continue
		expect(not items.is_empty(), class_id + ": has methods or signals")
		for item in items:
			expect(text.contains(item), "%s: help page lists %s" % [class_id, item])


## Opens the help page of `class_id` in the script editor, as F1 does, and
## returns its text as the editor shows it ("" if it never appears).
func _help_page_text(class_id: String) -> String:
	# Looked up by name: an export template has no EditorInterface, and this
	# file must compile there too.
	var script_editor: Node = Engine.get_singleton("EditorInterface").call("get_script_editor")
	script_editor.call("goto_help", "class_name:" + class_id)
	var deadline := Time.get_ticks_msec() + HELP_TIMEOUT_MSEC
	while Time.get_ticks_msec() < deadline:
		await tree.process_frame
		for help in script_editor.find_children("*", "", true, false):
			if help.get_class() != "EditorHelp" or not help.visible:
				continue
			for label in help.find_children("*", "RichTextLabel", true, false):
				var text: String = (label as RichTextLabel).get_parsed_text()
				if text.contains(class_id) and text.length() > class_id.length() * 2:
					return text
	return ""


func _in_editor() -> bool:
	if not Engine.is_editor_hint():
		skip("needs the editor (tests/engine/godot_editor_linux.sh)")
		return false
	return true
