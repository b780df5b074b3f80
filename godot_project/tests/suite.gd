@tool
extends Node
## Runs the in-engine test cases against the native McpUvCacheCleanup.
##
## Run headless as the scene to play (tests/engine/godot_suite.sh does). Prints one
## line per test: "PASS <case>.<test>", "FAIL <case>.<test>: <what>" or
## "SKIP <case>.<test>: <why>", then "N passed, N failed" (", N skipped" when
## any were), and quits with exit code 1 if anything failed.
##
## User arguments `--case=res://path.gd` (after `--`) run those cases instead
## of CASES; other projects built by the runners reuse this file so.

const FsUtil := preload("res://tests/fs_util.gd")
const TestCase := preload("res://tests/test_case.gd")
const CASES := [
	"res://tests/contract_tests.gd",
	"res://tests/background_tests.gd",
	"res://tests/boundary_tests.gd",
	"res://tests/windows_semantics_tests.gd",
	"res://tests/editor_tests.gd",
	"res://tests/editor_plugin_tests.gd",
]

var _passed := 0
var _failed := 0
var _skipped := 0


func _ready() -> void:
	FsUtil.remove_tree(TestCase.SCRATCH)
	for case_path in _case_paths():
		var case_script: GDScript = load(case_path)
		if case_script == null or not case_script.can_instantiate():
			_failed += 1
			print("FAIL %s: does not compile" % case_path)
			continue
		var test_case: TestCase = case_script.new()
		test_case.tree = get_tree()
		var case_name: String = case_script.resource_path.get_file().get_basename()
		for test_name in test_case.test_names():
			await _run_test(test_case, case_name, test_name)
	FsUtil.remove_tree(TestCase.SCRATCH)
	var summary := "%d passed, %d failed" % [_passed, _failed]
	if _skipped > 0:
		summary += ", %d skipped" % _skipped
	print(summary)
	get_tree().quit(1 if _failed > 0 else 0)


func _case_paths() -> PackedStringArray:
	var chosen: PackedStringArray = []
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--case="):
			chosen.append(arg.trim_prefix("--case="))
	return chosen if not chosen.is_empty() else PackedStringArray(CASES)


func _run_test(test_case: TestCase, case_name: String, test_name: String) -> void:
	test_case.problems = []
	test_case.skip_reason = ""
	await test_case.call(test_name)
	var label := "%s.%s" % [case_name, test_name]
	if not test_case.problems.is_empty():
		_failed += 1
		print("FAIL %s: %s" % [label, "; ".join(test_case.problems)])
	elif not test_case.skip_reason.is_empty():
		_skipped += 1
		print("SKIP %s: %s" % [label, test_case.skip_reason])
	else:
		_passed += 1
		print("PASS %s" % label)
