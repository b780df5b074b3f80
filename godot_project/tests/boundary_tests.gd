@tool
extends "res://tests/test_case.gd"
## Bad input at the Godot boundary: every public method with wrong types,
## null, huge strings, NUL characters, paths that climb out of res:// or
## user://, and option values at and past their limits. Each must answer
## zeros with one clear line naming what was wrong, touch nothing, and never
## abort the caller (a failed engine call would end the calling function).

const PREFIX := "McpUvCacheCleanup.%s: %s; nothing swept"


## A cache that must stay exactly as it is.
func _untouchable(label: String) -> String:
	var root := scratch(label)
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_venv(root.path_join("_dead_.tmpB"))
	return root


func test_a_root_that_is_not_a_string_is_refused() -> void:
	var root := _untouchable("bad_root_types")
	var before := FsUtil.list_tree(root)
	var bad_roots := [
		[42, "int"], [null, "null"], [1.5, "float"], [[root], "Array"], [{}, "Dictionary"]
	]
	for case in bad_roots:
		var why := "builds_root must be a String, got %s" % case[1]
		expect_error(PREFIX % ["purge_directory", why])
		expect_eq(cleanup.purge_directory(case[0]), counts(0, 0, 0, 0), why)
		expect_error(PREFIX % ["purge_directory_with", why])
		expect_eq(cleanup.purge_directory_with(case[0], {}), counts(0, 0, 0, 0), why)
		expect_error(PREFIX % ["purge_directory_report", why])
		var report: Dictionary = cleanup.purge_directory_report(case[0])
		expect_eq(report.get("scanned"), 0, "report: " + why)
		expect_error(PREFIX % ["purge_directory_async", why])
		var sweep: RefCounted = cleanup.purge_directory_async(case[0])
		expect_eq(await finished(sweep), counts(0, 0, 0, 0), why)
	expect_eq(FsUtil.list_tree(root), before, "tree unchanged")


func test_options_that_are_not_a_dictionary_are_refused() -> void:
	var root := _untouchable("bad_option_types")
	var before := FsUtil.list_tree(root)
	for case in [[null, "null"], ["dry_run", "String"], [[1], "Array"], [7, "int"]]:
		var why := "options must be a Dictionary, got %s" % case[1]
		expect_error(PREFIX % ["purge_directory_with", why])
		expect_eq(cleanup.purge_directory_with(root, case[0]), counts(0, 0, 0, 0), why)
		expect_error(PREFIX % ["purge_directory_async_with", why])
		var sweep: RefCounted = cleanup.purge_directory_async_with(root, case[0])
		expect_eq(await finished(sweep), counts(0, 0, 0, 0), why)
		expect_error(PREFIX % ["purge_stale_builds_with", why])
		expect_eq(cleanup.purge_stale_builds_with(case[0]), counts(0, 0, 0, 0), why)
		expect_error(PREFIX % ["purge_stale_builds_async_with", why])
		var live: RefCounted = cleanup.purge_stale_builds_async_with(case[0])
		expect_eq(await finished(live), counts(0, 0, 0, 0), "live, async: " + why)
	expect_eq(FsUtil.list_tree(root), before, "tree unchanged")


func test_godot_paths_that_climb_out_are_refused() -> void:
	# A build dir just outside user://, where "user://../<name>" points.
	var outside := ProjectSettings.globalize_path("user://").get_base_dir().path_join("uvcc_climb")
	FsUtil.make_venv(outside.path_join(".tmpOutside"))
	for path in ["user://../uvcc_climb", "user://x/../../uvcc_climb", "res://../uvcc_climb"]:
		var why := 'builds_root "%s" climbs out of its res:// or user:// tree with ".."' % path
		expect_error(PREFIX % ["purge_directory", why])
		expect_eq(cleanup.purge_directory(path), counts(0, 0, 0, 0), path)
	var survived := FsUtil.exists(outside.path_join(".tmpOutside/pyvenv.cfg"))
	FsUtil.remove_tree(outside)
	expect(survived, "the build dir outside user:// survives")


func test_huge_and_nul_paths_answer_zeros_with_a_warning() -> void:
	var root := _untouchable("huge_and_nul")
	var before := FsUtil.list_tree(root)
	var global := ProjectSettings.globalize_path(root)
	var huge := global + "/" + "x".repeat(100000)
	# Linux says "File name too long"; Wine answers "not found", which is a
	# missing cache: zeros, silently, as when uv never ran.
	if OS.get_name() != "Windows":
		expect_warning("McpUvCacheCleanup: nothing swept: " + huge.left(60))
	expect_eq(cleanup.purge_directory(huge), counts(0, 0, 0, 0), "100,000-character path")
	# Godot's String ends at a NUL, so the extension receives the path up to
	# it: here the cache's own .tmpA, which holds no build dir. (A NUL that
	# does reach the sweep is refused: tests/sweep_properties.rs.)
	var with_nul := global.path_join(".tmpA") + String.chr(0) + "/../.."
	var result: Dictionary = cleanup.purge_directory(with_nul)
	expect_eq(result, counts(0, 0, 0, 0), "path with a NUL")
	expect_eq(FsUtil.list_tree(root), before, "tree unchanged")


func test_a_string_name_root_is_a_path_like_a_string() -> void:
	var root := scratch("string_name")
	FsUtil.make_venv(root.path_join(".tmpA"))
	var result: Dictionary = cleanup.purge_directory(StringName(root))
	expect_eq(result, counts(1, 1, 1, 0), "StringName root")


func test_options_at_their_limits_work_and_past_them_are_refused() -> void:
	var accepted := [
		[{"threads": 1}, counts(1, 1, 2, 0)],
		[{"threads": 16}, counts(1, 1, 2, 0)],
		[{"min_age_sec": 0}, counts(1, 1, 2, 0)],
		# Older than the epoch: every build counts as fresh and is spared.
		[{"min_age_sec": 9223372036854775807}, counts(0, 0, 1, 0)],
		[{"dry_run": true, "threads": 16, "min_age_sec": 0}, counts(1, 1, 2, 1)],
	]
	for case in accepted:
		var root := scratch("limits_ok")
		FsUtil.make_venv(root.path_join(".tmpA"))
		FsUtil.make_venv(root.path_join("_dead_.tmpB"))
		var label := var_to_str(case[0])
		expect_eq(cleanup.purge_directory_with(root, case[0]), case[1], label)
	var root := _untouchable("limits_refused")
	var before := FsUtil.list_tree(root)
	var refused := [
		[{"threads": 0}, 'option "threads" must be an int from 1 to 16, got 0'],
		[{"threads": 17}, 'option "threads" must be an int from 1 to 16, got 17'],
		[{"threads": -99}, 'option "threads" must be an int from 1 to 16, got -99'],
		[{"min_age_sec": -1}, 'option "min_age_sec" must be an int >= 0, got -1'],
		[{"log_summary": "yes"}, 'option "log_summary" must be a bool, got String'],
		[{null: 1}, "option keys must be strings, got a key of type null"],
	]
	for case in refused:
		expect_error(PREFIX % ["purge_directory_with", case[1]])
		expect_eq(cleanup.purge_directory_with(root, case[0]), counts(0, 0, 0, 0), case[1])
	expect_eq(FsUtil.list_tree(root), before, "tree unchanged")
