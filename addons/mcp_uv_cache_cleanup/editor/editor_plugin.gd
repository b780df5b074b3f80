@tool
extends EditorPlugin
## Keeps uv's build caches clean on its own, with any godot-ai or none
## (Project Settings > Plugins > "MCP uv cache cleanup").
##
## - Sweeps when it is enabled (the editor starts), when it is disabled or the
##   editor quits (waiting for it at most quit_wait_msec, 2 s by default and
##   never more than 10 s), and every
##   interval_sec while the editor runs: a look that finds nothing stale costs
##   one directory listing per cache, on a worker thread.
## - "Sweep stale uv builds now", in Project > Tools and the command palette:
##   says it started, then what was removed and what stays and why, in a
##   toast (a dialog before Godot 4.4) and the Output.
## - Settings: Editor Settings > Mcp Uv Cache Cleanup (sweep_settings.gd).
## - Keeps the addon out of exported games (export_plugin.gd) where the
##   native McpUvCacheExportGuard, which does that in every editor, is not
##   registered (the run that first imports a project, as a CI export does).
##
## Every sweep is native and on a worker thread (McpUvCacheSweep, through
## native_sweeps.gd), so the editor never waits for the disk; the plugin runs
## one at a time, and the native side never lets two of its sweeps share a
## cache. Without the native library it says so once and stays idle.

## Emitted when one of the plugin's sweeps is over, with its report
## (McpUvCacheSweep.get_report()).
signal sweep_finished(report: Dictionary)

const Settings := preload("sweep_settings.gd")
const ReportText := preload("report_text.gd")
const ExportPlugin := preload("export_plugin.gd")

const SWEEP_CLASS := &"McpUvCacheSweep"
const EXPORT_GUARD_CLASS := &"McpUvCacheExportGuard"
const CLEANUP_CLASS := &"McpUvCacheCleanup"
const COMMAND_NAME := "Sweep stale uv builds now"
const COMMAND_KEY := "mcp_uv_cache_cleanup/sweep_stale_uv_builds_now"
const PREFIX := "McpUvCacheCleanup plugin: "

## Why a sweep runs.
const REASON_START := "start"
const REASON_LOOK := "look"
const REASON_COMMAND := "command"
const REASON_QUIT := "quit"

## The report of the last sweep that finished; {} before the first.
var last_report: Dictionary = {}

## native_sweeps.gd, loaded once the native class is registered; else null.
var _native: GDScript = null
var _sweep: RefCounted = null
var _sweep_reason := ""
## A command asked for the running sweep's result.
var _command_waiting := false
## What stayed after the last sweep, to say only what changed.
var _last_stays := ""
var _timer: Timer = null
## Keeps the addon out of exported games (export_plugin.gd), when the
## native guard does not.
var _export_plugin: EditorExportPlugin = null


func _enter_tree() -> void:
	if not ClassDB.class_exists(EXPORT_GUARD_CLASS):
		_export_plugin = ExportPlugin.new()
		add_export_plugin(_export_plugin)
	var settings := EditorInterface.get_editor_settings()
	Settings.register(settings)
	add_tool_menu_item(COMMAND_NAME, sweep_now)
	EditorInterface.get_command_palette().add_command(COMMAND_NAME, COMMAND_KEY, sweep_now)
	if not ClassDB.class_exists(SWEEP_CLASS):
		print(
			PREFIX + "no native library for this platform (%s %s), so nothing is swept."
			% [OS.get_name(), Engine.get_architecture_name()]
		)
		return
	_native = load(get_script().resource_path.get_base_dir().path_join("native_sweeps.gd"))
	print(PREFIX + _path_text())
	_timer = Timer.new()
	_timer.name = "McpUvCacheLook"
	_timer.timeout.connect(_on_look)
	add_child(_timer)
	settings.settings_changed.connect(_apply_settings)
	_apply_settings()
	if Settings.enabled(settings):
		_start(REASON_START)


func _exit_tree() -> void:
	if _export_plugin != null:
		remove_export_plugin(_export_plugin)
		_export_plugin.restore_extension_list()
		_export_plugin = null
	remove_tool_menu_item(COMMAND_NAME)
	EditorInterface.get_command_palette().remove_command(COMMAND_KEY)
	if _native == null:
		return
	var settings := EditorInterface.get_editor_settings()
	settings.settings_changed.disconnect(_apply_settings)
	_timer.stop()
	var quit_wait := Settings.quit_wait_msec(settings)
	if _sweep == null and Settings.enabled(settings) and quit_wait > 0:
		_start(REASON_QUIT)
	_wait_for_sweep(quit_wait)


## Starts a sweep of every cache now (the menu command): says it started and,
## when it is over, what it did. If a sweep is already running, reports that
## one's result instead of starting another.
func sweep_now() -> void:
	if _native == null:
		_notify("no native library for this platform, so nothing is swept.", true)
		return
	_command_waiting = true
	if _sweep != null:
		_notify("a sweep is already running; its result follows.", false)
		return
	var caches := _start(REASON_COMMAND)
	if caches == 0:
		_command_waiting = false
		_notify("nothing to sweep: uv's cache is unknown or throwaway here (see the "
			+ "warnings), and no extra_builds_dirs are set.", false)
		return
	_notify("sweeping stale uv builds in %d cache(s)..." % caches, false)


## True while one of the plugin's sweeps runs.
func is_sweeping() -> bool:
	return _sweep != null


## Every directory the plugin sweeps: uv's caches (every system) and the extra ones.
func _roots() -> PackedStringArray:
	var roots: PackedStringArray = _native.stale_builds_roots()
	for extra in Settings.extra_builds_dirs(EditorInterface.get_editor_settings()):
		if not roots.has(extra):
			roots.append(extra)
	return roots


## Starts a sweep unless one runs or there is nothing to sweep; returns how
## many caches it sweeps (0: it started none).
func _start(reason: String) -> int:
	if _sweep != null:
		return 0
	var roots := _roots()
	if roots.is_empty():
		return 0
	var min_age := Settings.min_age_sec(EditorInterface.get_editor_settings())
	var sweep: RefCounted = _native.start(roots, min_age)
	_sweep = sweep
	_sweep_reason = reason
	sweep.connect(&"finished", _on_finished.bind(sweep), CONNECT_ONE_SHOT)
	return roots.size()


func _on_finished(_result: Dictionary, sweep: RefCounted) -> void:
	if sweep != _sweep:
		return
	_finish(sweep.call(&"get_report"))


func _finish(report: Dictionary) -> void:
	var reason := _sweep_reason
	_sweep = null
	last_report = report
	_tell(report, reason)
	sweep_finished.emit(report)


## Waits up to `budget_msec` for the running sweep, then reports it; a sweep
## still running is left to its worker, which stops when the editor goes.
func _wait_for_sweep(budget_msec: int) -> void:
	if _sweep == null:
		return
	var deadline := Time.get_ticks_msec() + budget_msec
	while not _sweep.call(&"is_done") and Time.get_ticks_msec() < deadline:
		OS.delay_msec(5)
	if _sweep.call(&"is_done"):
		_finish(_sweep.call(&"get_report"))
	else:
		print(
			PREFIX + "the last sweep did not end within %d ms; it stops at its next entry."
			% budget_msec
		)
		_sweep = null


## Says what a sweep did, as much as the verbosity asks; a command's result
## always in full, and in a toast.
func _tell(report: Dictionary, reason: String) -> void:
	var summary := ReportText.summary(report)
	var stays := ReportText.stays_text(report)
	var stays_changed := stays != _last_stays
	_last_stays = stays
	var verbosity := Settings.verbosity(EditorInterface.get_editor_settings())
	var command := _command_waiting or reason == REASON_COMMAND
	_command_waiting = false
	var removed := int(report.get("deleted", 0)) > 0
	if command or verbosity == Settings.DETAILED:
		print(PREFIX + "%s sweep: %s" % [reason, summary])
		for line in ReportText.details(report):
			print(line)
	elif verbosity == Settings.SUMMARY and (removed or stays_changed):
		print(PREFIX + "%s sweep: %s" % [reason, summary])
	elif not stays.is_empty() and stays_changed:
		push_warning(PREFIX + summary)
	if command:
		_show(summary, not stays.is_empty())


## Says `text` in the Output and shows it (_show).
func _notify(text: String, is_warning: bool) -> void:
	print(PREFIX + text)
	_show(text, is_warning)


## A toast where the editor has them (4.4+), else a dialog.
func _show(text: String, is_warning: bool) -> void:
	if EditorInterface.has_method(&"get_editor_toaster"):
		var toaster: Object = EditorInterface.call(&"get_editor_toaster")
		toaster.call(&"push_toast", PREFIX + text, 1 if is_warning else 0)
		return
	var dialog := AcceptDialog.new()
	dialog.title = COMMAND_NAME
	dialog.dialog_text = text
	dialog.confirmed.connect(dialog.queue_free)
	dialog.canceled.connect(dialog.queue_free)
	EditorInterface.popup_dialog_centered(dialog)


func _on_look() -> void:
	if Settings.enabled(EditorInterface.get_editor_settings()):
		_start(REASON_LOOK)


## Follows the settings: the look's interval, or none.
func _apply_settings() -> void:
	var settings := EditorInterface.get_editor_settings()
	var interval := Settings.interval_sec(settings)
	if interval == 0 or not Settings.enabled(settings):
		_timer.stop()
	elif _timer.is_stopped() or not is_equal_approx(_timer.wait_time, interval):
		_timer.start(interval)


## Which native path sweeps, for the Output.
func _path_text() -> String:
	if ClassDB.class_exists(CLEANUP_CLASS):
		return "sweeping natively (McpUvCacheSweep; McpUvCacheCleanup is the native class too)."
	return (
		"sweeping natively through McpUvCacheSweep; McpUvCacheCleanup is a project script's "
		+ "class here (godot-ai's own), which keeps working as it ships."
	)
