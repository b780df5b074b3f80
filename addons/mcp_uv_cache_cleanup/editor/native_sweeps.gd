@tool
extends RefCounted
## The native side of the editor plugin: the one script that calls the
## native class McpUvCacheSweep.
##
## McpUvCacheSweep is registered even where a project script declares
## `class_name McpUvCacheCleanup` (godot-ai 2.x, 3.x): the extension then
## leaves out only that one class.
##
## This file compiles where the class is not registered too. Godot 4.3's first
## import compiles every script of the project, and the class is missing on a
## platform we ship no library for, and in the one run the extension stands
## aside (rust/first_import.rs). A script that names a missing class fails to
## parse. Without naming it, only ClassDB.class_call_static (Godot 4.4+)
## reaches a static method of a class that cannot be instantiated. So the two
## calls are compiled from CALLS_SOURCE, and only once the class exists.

const SWEEP_CLASS := &"McpUvCacheSweep"

## The calls, as a script of their own: compiled by _calls() only.
const CALLS_SOURCE := """@tool
extends RefCounted


static func stale_builds_roots() -> PackedStringArray:
	return McpUvCacheSweep.stale_builds_roots()


static func start_sweeps(roots: PackedStringArray, options: Dictionary) -> RefCounted:
	return McpUvCacheSweep.start_sweeps(roots, options)
"""

## CALLS_SOURCE compiled, once.
static var _compiled: GDScript = null


## Every directory uv's caches build in, on every system uv runs on (empty
## where the class is not registered).
static func stale_builds_roots() -> PackedStringArray:
	var calls := _calls()
	if calls == null:
		return PackedStringArray()
	return calls.call("stale_builds_roots")


## Starts sweeping `roots` on a worker thread; returns the McpUvCacheSweep,
## or null where the class is not registered.
static func start(roots: PackedStringArray, min_age_sec: int) -> RefCounted:
	var calls := _calls()
	if calls == null:
		return null
	return calls.call("start_sweeps", roots, {"min_age_sec": min_age_sec})


## CALLS_SOURCE compiled, or null while McpUvCacheSweep is not registered.
static func _calls() -> GDScript:
	if _compiled == null and ClassDB.class_exists(SWEEP_CLASS):
		var script := GDScript.new()
		script.source_code = CALLS_SOURCE
		var error := script.reload()
		if error != OK:
			push_error("McpUvCacheCleanup plugin: the calls to %s did not compile (%s)"
				% [SWEEP_CLASS, error_string(error)])
			return null
		_compiled = script
	return _compiled
