@tool
extends "res://tests/test_case.gd"
## Base of the cases that drive the addon's editor plugin in the running
## editor: enabling it, its settings, its reports. The editor classes are
## named at run time, so the cases also compile in export templates (which
## have none), where they skip.

const PLUGIN_NAME := "mcp_uv_cache_cleanup"
const PLUGIN_SCRIPT := "res://addons/mcp_uv_cache_cleanup/editor/editor_plugin.gd"
const SETTING := "mcp_uv_cache_cleanup/sweep/"


## The editor's EditorInterface.
func editor() -> Object:
	return Engine.get_singleton("EditorInterface")


func set_plugin_enabled(enabled: bool) -> void:
	editor().call("set_plugin_enabled", PLUGIN_NAME, enabled)


## The plugin's node in the editor's tree, or null.
func plugin_node() -> Node:
	return editor_plugin_node(PLUGIN_SCRIPT)


## Sets the plugin's settings (keys without the SETTING prefix); returns the
## values they replaced (settings that did not exist yet are left out), to
## give back to this function afterwards.
func configure(values: Dictionary) -> Dictionary:
	var settings: Object = editor().call("get_editor_settings")
	var saved := {}
	for key: String in values:
		if settings.call("has_setting", SETTING + key):
			saved[key] = settings.call("get_setting", SETTING + key)
		settings.call("set_setting", SETTING + key, values[key])
	return saved


## The report of the plugin's next finished sweep, or {} (and a problem).
func next_report(plugin: Node) -> Dictionary:
	var report: Variant = await next_emitted(plugin, &"sweep_finished")
	return report if report is Dictionary else {}
