@tool
extends EditorPlugin
## Runs the in-engine suite (tests/suite.gd) inside the editor.
##
## tests/engine/godot_editor.sh enables this plugin in a throwaway copy of the
## project and starts the editor headless; the suite prints its summary line
## and quits the editor. It waits for the editor's first filesystem scan, so
## that the classes' help pages exist before the tests read them.

const Suite := preload("res://tests/suite.gd")


func _enter_tree() -> void:
	_start_when_the_editor_is_ready()


func _start_when_the_editor_is_ready() -> void:
	var filesystem := EditorInterface.get_resource_filesystem()
	while filesystem.is_scanning():
		await get_tree().process_frame
	# A few frames more: the editor finishes its own start-up work first.
	for _frame in 10:
		await get_tree().process_frame
	var suite: Node = Suite.new()
	suite.name = "McpUvCacheCleanupEditorSuite"
	add_child(suite)
