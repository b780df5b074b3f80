@tool
extends RefCounted
## The native side of the editor plugin, in the one script that names the
## native class McpUvCacheSweep. The plugin loads it only once that class is
## registered, so that without the library (a platform we do not ship) no
## script fails to compile.
##
## McpUvCacheSweep is registered even where a project script declares
## `class_name McpUvCacheCleanup` (godot-ai 2.x, 3.x): the extension then
## leaves out only that one class.


## Every directory uv's caches build in that the drop-in sweep covers (on
## Windows; empty elsewhere).
static func stale_builds_roots() -> PackedStringArray:
	return McpUvCacheSweep.stale_builds_roots()


## Starts sweeping `roots` on a worker thread; returns the McpUvCacheSweep.
static func start(roots: PackedStringArray, min_age_sec: int) -> RefCounted:
	return McpUvCacheSweep.start_sweeps(roots, {"min_age_sec": min_age_sec})
