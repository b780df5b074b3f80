extends Node
## In-engine benchmark: the native McpUvCacheCleanup.purge_directory against a
## straightforward GDScript DirAccess sweep (gd_sweep.gd), each on its own
## fresh copy of the same generated cache, ROUNDS times. Prints the median of
## each and the ratio. Both must report the same counts and leave nothing
## behind, which it prints as "N passed, N failed" (tests/godot_suite.sh
## res://tests/bench.tscn runs it headless).

const FsUtil := preload("res://tests/fs_util.gd")
const GdSweep := preload("res://tests/gd_sweep.gd")
const SCRATCH := "user://uv_cache_cleanup_bench"
const VENVS := 10
const FILES_PER_VENV := 1000
const FILES_PER_DIR := 25
const ROUNDS := 5

var _passed := 0
var _failed := 0


func _ready() -> void:
	FsUtil.remove_tree(SCRATCH)
	var native_usec: Array[int] = []
	var script_usec: Array[int] = []
	var expected := {"scanned": VENVS, "renamed": VENVS, "deleted": VENVS, "remaining": 0}
	for round_index in ROUNDS:
		var native_root := _fresh_cache("native_%d" % round_index)
		var started := Time.get_ticks_usec()
		var native := McpUvCacheCleanup.purge_directory(native_root)
		native_usec.append(Time.get_ticks_usec() - started)
		_check("native sweep, round %d" % round_index, native, expected, native_root)

		var script_root := _fresh_cache("script_%d" % round_index)
		started = Time.get_ticks_usec()
		var scripted := GdSweep.purge_directory(script_root)
		script_usec.append(Time.get_ticks_usec() - started)
		_check("GDScript sweep, round %d" % round_index, scripted, expected, script_root)
	FsUtil.remove_tree(SCRATCH)

	var native_median := _median(native_usec)
	var script_median := _median(script_usec)
	print("fixture: %d venvs x %d files, %d rounds" % [VENVS, FILES_PER_VENV, ROUNDS])
	print("native McpUvCacheCleanup: median %.1f ms" % (native_median / 1000.0))
	print("GDScript DirAccess sweep: median %.1f ms" % (script_median / 1000.0))
	print("ratio native / GDScript: %.3f" % (float(native_median) / maxf(script_median, 1.0)))
	print("%d passed, %d failed" % [_passed, _failed])
	get_tree().quit(1 if _failed > 0 else 0)


## A cache of VENVS build venvs of FILES_PER_VENV small files each.
func _fresh_cache(label: String) -> String:
	var root := SCRATCH.path_join(label).path_join("builds-v0")
	for venv in VENVS:
		var site := root.path_join(".tmp%03d" % venv).path_join("Lib/site-packages")
		for file_index in FILES_PER_VENV:
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


func _median(values: Array[int]) -> int:
	var sorted := values.duplicate()
	sorted.sort()
	return sorted[sorted.size() / 2]
