@tool
extends RefCounted
## The editor plugin's settings, in Editor Settings: the uv cache belongs to
## the user, not to a project, so nothing of this lands in project.godot.
##
## - enabled: sweep on its own (start, quit, periodic look); the menu command
##   works either way;
## - interval_sec: how often to look at the caches while the editor runs (0:
##   never); a look finds nothing to do in one directory listing per cache;
## - min_age_sec: a build dir touched within this many seconds is left alone,
##   as uv may be starting it at that moment;
## - verbosity: "quiet" (warnings only), "summary" (a line when a sweep removed
##   something or what stays changed) or "detailed" (every sweep, every cache);
## - quit_wait_msec: how long the editor's quit (or disabling the plugin) may
##   wait for the last sweep, at most MAX_QUIT_WAIT_MSEC; a sweep still
##   running then stops at its next entry; 0: no sweep at quit;
## - extra_builds_dirs: more `builds-v0` directories to sweep, besides uv's
##   own caches, which the plugin finds by itself on every system.

const PREFIX := "mcp_uv_cache_cleanup/sweep/"
const ENABLED := PREFIX + "enabled"
const INTERVAL_SEC := PREFIX + "interval_sec"
const MIN_AGE_SEC := PREFIX + "min_age_sec"
const VERBOSITY := PREFIX + "verbosity"
const EXTRA_BUILDS_DIRS := PREFIX + "extra_builds_dirs"
const QUIT_WAIT_MSEC := PREFIX + "quit_wait_msec"

const QUIET := "quiet"
const SUMMARY := "summary"
const DETAILED := "detailed"
const VERBOSITIES := [QUIET, SUMMARY, DETAILED]

const DEFAULT_ENABLED := true
const DEFAULT_INTERVAL_SEC := 60
const DEFAULT_MIN_AGE_SEC := 30
const DEFAULT_QUIT_WAIT_MSEC := 2000
## The bound on quit_wait_msec: the quit is never delayed by more.
const MAX_QUIT_WAIT_MSEC := 10000


## Adds every setting, with its default, hint and help, to `settings`.
## Values the user set stay.
static func register(settings: EditorSettings) -> void:
	_add(settings, ENABLED, TYPE_BOOL, PROPERTY_HINT_NONE, "")
	_add(settings, INTERVAL_SEC, TYPE_INT, PROPERTY_HINT_RANGE, "0,86400,1,or_greater,suffix:s")
	_add(settings, MIN_AGE_SEC, TYPE_INT, PROPERTY_HINT_RANGE, "0,86400,1,or_greater,suffix:s")
	_add(settings, VERBOSITY, TYPE_STRING, PROPERTY_HINT_ENUM, ",".join(VERBOSITIES))
	_add(settings, EXTRA_BUILDS_DIRS, TYPE_PACKED_STRING_ARRAY, PROPERTY_HINT_NONE, "")
	var quit_range := "0,%d,1,suffix:ms" % MAX_QUIT_WAIT_MSEC
	_add(settings, QUIT_WAIT_MSEC, TYPE_INT, PROPERTY_HINT_RANGE, quit_range)


static func enabled(settings: EditorSettings) -> bool:
	return _value(settings, ENABLED, TYPE_BOOL)


## Seconds between two looks; 0: no periodic look.
static func interval_sec(settings: EditorSettings) -> int:
	return maxi(_value(settings, INTERVAL_SEC, TYPE_INT), 0)


static func min_age_sec(settings: EditorSettings) -> int:
	return maxi(_value(settings, MIN_AGE_SEC, TYPE_INT), 0)


## Milliseconds the quit may wait for the last sweep, 0 to MAX_QUIT_WAIT_MSEC.
static func quit_wait_msec(settings: EditorSettings) -> int:
	return clampi(_value(settings, QUIT_WAIT_MSEC, TYPE_INT), 0, MAX_QUIT_WAIT_MSEC)


## One of VERBOSITIES; SUMMARY for anything else.
static func verbosity(settings: EditorSettings) -> String:
	var value: String = _value(settings, VERBOSITY, TYPE_STRING)
	return value if value in VERBOSITIES else SUMMARY


## The extra directories, blanks dropped.
static func extra_builds_dirs(settings: EditorSettings) -> PackedStringArray:
	var dirs := PackedStringArray()
	for entry in _value(settings, EXTRA_BUILDS_DIRS, TYPE_PACKED_STRING_ARRAY):
		if not entry.strip_edges().is_empty():
			dirs.append(entry.strip_edges())
	return dirs


## The value of `setting`, or its default when unset or of another type (a
## hand-edited settings file must not break the plugin).
static func _value(settings: EditorSettings, setting: String, type: int) -> Variant:
	var value: Variant = settings.get_setting(setting) if settings.has_setting(setting) else null
	if typeof(value) == type:
		return value
	if type == TYPE_INT and typeof(value) == TYPE_FLOAT:
		return int(value)
	return default_of(setting)


## The default value of `setting`.
static func default_of(setting: String) -> Variant:
	match setting:
		ENABLED:
			return DEFAULT_ENABLED
		INTERVAL_SEC:
			return DEFAULT_INTERVAL_SEC
		MIN_AGE_SEC:
			return DEFAULT_MIN_AGE_SEC
		VERBOSITY:
			return SUMMARY
		EXTRA_BUILDS_DIRS:
			return PackedStringArray()
		QUIT_WAIT_MSEC:
			return DEFAULT_QUIT_WAIT_MSEC
	return null


static func _add(
	settings: EditorSettings, setting: String, type: int, hint: int, hint_string: String
) -> void:
	if not settings.has_setting(setting):
		settings.set_setting(setting, default_of(setting))
	settings.set_initial_value(setting, default_of(setting), false)
	settings.add_property_info(
		{"name": setting, "type": type, "hint": hint, "hint_string": hint_string}
	)
