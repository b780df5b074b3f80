extends Node
## In-engine benchmark: the native McpUvCacheCleanup.purge_directory against
## the GDScript sweep it replaces where there is no native library (the
## fallback of integrations/godot_ai/uv_cache_cleanup.gd, a DirAccess walk by
## the same rules), each on its own fresh copy of the same generated cache,
## several rounds, in one process. Prints the median of each and the ratio, then
## the median time an async call takes to return to its caller over
## ASYNC_CALLS calls, then purge_directory against purge_directory_async by
## method and by position. Every sweep must report the same counts and leave
## only the sibling behind, which it prints as "N passed, N failed"
## (tests/engine/godot_suite.sh linux|windows res://tests/bench.tscn runs it headless).

const FsUtil := preload("res://tests/fs_util.gd")
const GdSweep := preload(
	"res://addons/mcp_uv_cache_cleanup/integrations/godot_ai/uv_cache_cleanup.gd"
)
## Where the caches are generated: user:// (on the disk), or the directory in
## the environment variable MCP_UVCC_BENCH_DIR (e.g. /dev/shm, to measure the
## sweeps rather than the disk's journal), as for `cargo bench`.
const SCRATCH_VAR := "MCP_UVCC_BENCH_DIR"
const USER_SCRATCH := "user://uv_cache_cleanup_bench"
## The native McpUvCacheCleanup, by name, as test_case.gd's `cleanup` (why
## there).
const CLEANUP_CLASS := &"McpUvCacheCleanup"
## The fixture's size: these defaults, or the environment variables
## MCP_UVCC_BENCH_VENVS, MCP_UVCC_BENCH_FILES (per venv) and MCP_UVCC_BENCH_ROUNDS (Wine
## creates files about a thousand times slower than Linux: use a small cache
## there).
const DEFAULT_VENVS := 10
const DEFAULT_FILES_PER_VENV := 1000
const DEFAULT_ROUNDS := 5
const FILES_PER_DIR := 25
const ASYNC_CALLS := 200

var cleanup: Object = (
	ClassDB.instantiate(CLEANUP_CLASS) if ClassDB.class_exists(CLEANUP_CLASS) else null
)
var _passed := 0
var _failed := 0
var _scratch := USER_SCRATCH
var _venvs := _setting("MCP_UVCC_BENCH_VENVS", DEFAULT_VENVS)
var _files_per_venv := _setting("MCP_UVCC_BENCH_FILES", DEFAULT_FILES_PER_VENV)
var _rounds := _setting("MCP_UVCC_BENCH_ROUNDS", DEFAULT_ROUNDS)


func _ready() -> void:
	var chosen := OS.get_environment(SCRATCH_VAR)
	if not chosen.is_empty():
		_scratch = chosen.path_join("uv_cache_cleanup_bench")
	FsUtil.remove_tree(_scratch)
	var native_usec: Array[int] = []
	var script_usec: Array[int] = []
	var expected := {"scanned": _venvs, "renamed": _venvs, "deleted": _venvs, "remaining": 0}
	for round_index in _rounds:
		var native_root := _fresh_cache("native_%d" % round_index)
		var started := Time.get_ticks_usec()
		var native: Dictionary = cleanup.purge_directory(native_root)
		native_usec.append(Time.get_ticks_usec() - started)
		_check("native sweep, round %d" % round_index, native, expected, native_root)

		var script_root := _fresh_cache("script_%d" % round_index)
		started = Time.get_ticks_usec()
		var scripted := GdSweep.gdscript_purge_directory(script_root)
		script_usec.append(Time.get_ticks_usec() - started)
		_check("GDScript sweep, round %d" % round_index, scripted, expected, script_root)
	var async_usec := await _async_call_usec()
	var positions := await _sync_against_async(expected)
	FsUtil.remove_tree(_scratch)

	var native_median := _median(native_usec)
	var script_median := _median(script_usec)
	print("engine: %s on %s" % [Engine.get_version_info()["string"], OS.get_name()])
	var fixture := [_venvs, _files_per_venv, _rounds, _scratch]
	print("fixture: %d venvs x %d files, %d rounds, in %s" % fixture)
	print("native McpUvCacheCleanup: median %.1f ms" % (native_median / 1000.0))
	print("GDScript DirAccess sweep: median %.1f ms" % (script_median / 1000.0))
	print("ratio native / GDScript: %.3f" % (float(native_median) / maxf(script_median, 1.0)))
	print("async call returns in: median %d usec over %d calls" % [_median(async_usec), ASYNC_CALLS])
	for line in positions:
		print(line)
	print("%d passed, %d failed" % [_passed, _failed])
	get_tree().quit(1 if _failed > 0 else 0)


## A cache of `_venvs` build venvs of `_files_per_venv` small files each.
func _fresh_cache(label: String) -> String:
	var root := _scratch.path_join(label).path_join("builds-v0")
	for venv in _venvs:
		var site := root.path_join(".tmp%03d" % venv).path_join("Lib/site-packages")
		for file_index in _files_per_venv:
			var package := "pkg%d/sub%d" % [file_index / 100, (file_index / FILES_PER_DIR) % 4]
			var path := site.path_join(package).path_join("module%d.py" % file_index)
			FsUtil.write_file(path, "# generated module %d\n" % file_index)
	FsUtil.make_dir(root.path_join("archive-v0"))
	return root


func _check(label: String, actual: Dictionary, expected: Dictionary, root: String) -> void:
	var left := FsUtil.names_in(root)
	if actual == expected and left == PackedStringArray(["archive-v0"]):
		_passed += 1
		print("PASS %s" % label)
	else:
		_failed += 1
		print("FAIL %s: counts %s, left %s" % [label, var_to_str(actual), var_to_str(left)])


## How long purge_directory_async takes to return, ASYNC_CALLS times, each on
## a one-file fresh cache; every sweep must still finish with the right counts.
func _async_call_usec() -> Array[int]:
	var elapsed: Array[int] = []
	var sweeps: Array = []
	var root := _scratch.path_join("async").path_join("builds-v0")
	for call_index in ASYNC_CALLS:
		var call_root := root.path_join("call_%d" % call_index)
		FsUtil.write_file(call_root.path_join(".tmpA/Lib/mod.py"), "x")
		var started := Time.get_ticks_usec()
		var sweep: RefCounted = cleanup.purge_directory_async(call_root)
		elapsed.append(Time.get_ticks_usec() - started)
		sweeps.append(sweep)
	var deadline := Time.get_ticks_msec() + 60000
	while sweeps.any(func(sweep: Object) -> bool: return not sweep.call("is_done")):
		if Time.get_ticks_msec() > deadline:
			break
		await get_tree().process_frame
	var expected := {"scanned": 1, "renamed": 1, "deleted": 1, "remaining": 0}
	var finished := sweeps.filter(
		func(sweep: Object) -> bool: return sweep.call("get_result") == expected
	)
	var label := "async sweeps, %d calls" % ASYNC_CALLS
	if finished.size() == ASYNC_CALLS:
		_passed += 1
		print("PASS %s" % label)
	else:
		_failed += 1
		print("FAIL %s: %d of %d finished with %s" % [label, finished.size(), ASYNC_CALLS, expected])
	return elapsed


## purge_directory against purge_directory_async (from the call to
## `finished`), each round on two fresh caches of the same shape made one
## after the other; the sweep of the cache made last runs first, and which
## method that is alternates. Returns the lines that say the medians by
## method and by position, so an order effect shows apart from the method.
func _sync_against_async(expected: Dictionary) -> Array[String]:
	var by_method := {"purge_directory": [] as Array[int], "purge_directory_async": [] as Array[int]}
	var by_position := {"first": [] as Array[int], "second": [] as Array[int]}
	for round_index in _rounds:
		var methods := ["purge_directory", "purge_directory_async"]
		if round_index % 2 == 1:
			methods.reverse()
		var roots := {}
		for method: String in methods:
			roots[method] = _fresh_cache("%s_%d" % [method, round_index])
		methods.reverse()
		for position in 2:
			var method: String = methods[position]
			var root: String = roots[method]
			var started := Time.get_ticks_usec()
			var counts: Dictionary
			if method == "purge_directory":
				counts = cleanup.purge_directory(root)
			else:
				var sweep: RefCounted = cleanup.purge_directory_async(root)
				counts = await sweep.finished
			var usec := Time.get_ticks_usec() - started
			by_method[method].append(usec)
			by_position["first" if position == 0 else "second"].append(usec)
			_check("%s, round %d" % [method, round_index], counts, expected, root)
	var lines: Array[String] = []
	for table: Dictionary in [by_method, by_position]:
		for key: String in table:
			var values: Array[int] = table[key]
			lines.append("sync/async, %s: median %.1f ms (%s)" % [key, _median(values) / 1000.0, values])
	return lines


static func _setting(variable: String, default_value: int) -> int:
	var text := OS.get_environment(variable)
	return text.to_int() if text.is_valid_int() and text.to_int() > 0 else default_value


func _median(values: Array[int]) -> int:
	var sorted := values.duplicate()
	sorted.sort()
	return sorted[sorted.size() / 2]
