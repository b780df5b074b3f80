@tool
extends "res://tests/test_case.gd"
## In-engine tests beyond the drop-in: background sweep, report, options, plugin hook.

const Hook := preload("res://addons/mcp_uv_cache_cleanup/uv_cache_sweep_hook.gd")
const KEYS := ["scanned", "renamed", "deleted", "remaining"]
const REPORT_KEYS := [
	"scanned",
	"renamed",
	"deleted",
	"remaining",
	"files_removed",
	"bytes_freed",
	"elapsed_usec",
	"errors",
	"live",
	"liveness",
]


# --- background sweep, report, options, plugin hook ----------------------------


func test_async_emits_finished_once_on_the_main_thread() -> void:
	var root := scratch("async_signal")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_venv(root.path_join("_dead_.tmpB"))
	var results: Array[Dictionary] = []
	var on_main_thread: Array[bool] = []
	var sweep: RefCounted = cleanup.purge_directory_async(root)
	if not expect_object(sweep, "McpUvCacheSweep", "purge_directory_async"):
		return
	sweep.finished.connect(
		func(result: Dictionary) -> void:
			results.append(result)
			on_main_thread.append(OS.get_thread_caller_id() == OS.get_main_thread_id())
	)
	var deadline := Time.get_ticks_msec() + TIMEOUT_MSEC
	while results.is_empty() and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	for _frame in 10:
		await tree.process_frame
	expect_eq(results.size(), 1, "finished emissions")
	if results.is_empty():
		return
	expect(on_main_thread.size() == 1 and on_main_thread[0], "emitted on the main thread")
	expect_eq(results[0], counts(1, 1, 2, 0), "result")
	expect(sweep.is_done(), "is_done")
	expect_eq(sweep.get_result(), results[0], "get_result")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")


func test_async_result_is_empty_until_done_and_never_blocks() -> void:
	var root := scratch("async_poll")
	for i in 4:
		FsUtil.make_venv(root.path_join(".tmp%d" % i))
	var sweep: RefCounted = cleanup.purge_directory_async(root)
	if not expect_object(sweep, "McpUvCacheSweep", "purge_directory_async"):
		return
	var result: Dictionary = sweep.get_result()
	expect(result.is_empty() or result == counts(4, 4, 4, 0), "empty or final")
	var deadline := Time.get_ticks_msec() + TIMEOUT_MSEC
	while not sweep.is_done() and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	expect_eq(sweep.get_result(), counts(4, 4, 4, 0), "final result")


func test_dropping_an_async_sweep_early_is_safe_and_it_completes() -> void:
	var root := scratch("async_drop")
	for i in 6:
		FsUtil.make_venv(root.path_join(".tmp%d" % i))
	var sweep: RefCounted = cleanup.purge_directory_async(root)
	if not expect_object(sweep, "McpUvCacheSweep", "purge_directory_async"):
		return
	sweep = null
	var deadline := Time.get_ticks_msec() + TIMEOUT_MSEC
	while not FsUtil.names_in(root).is_empty() and Time.get_ticks_msec() < deadline:
		await tree.process_frame
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")


func test_async_stale_builds_follows_the_os() -> void:
	var result: Dictionary = await finished(cleanup.purge_stale_builds_async())
	expect_eq(result.keys(), KEYS, "keys")
	if OS.get_name() != "Windows":
		expect_eq(result, counts(0, 0, 0, 0), "zeros off Windows")


func test_report_has_the_detailed_keys() -> void:
	var root := scratch("report")
	FsUtil.write_file(root.path_join(".tmpA/a.py"), "12345")
	FsUtil.write_file(root.path_join(".tmpA/sub/b.pyd"), "1234567890")
	FsUtil.write_file(root.path_join("_dead_.tmpB/c"), "123")
	var report: Dictionary = cleanup.purge_directory_report(root)
	expect_eq(report.keys(), REPORT_KEYS, "keys")
	for key in REPORT_KEYS.slice(0, 7):
		expect_eq(typeof(report[key]), TYPE_INT, "type of " + key)
	expect_eq(typeof(report["errors"]), TYPE_ARRAY, "type of errors")
	expect_eq(report["scanned"], 1, "scanned")
	expect_eq(report["deleted"], 2, "deleted")
	expect_eq(report["files_removed"], 3, "files_removed")
	expect_eq(report["bytes_freed"], 18, "bytes_freed")
	expect(report["elapsed_usec"] >= 0, "elapsed_usec")
	expect_eq(report["errors"].size(), 0, "errors")
	expect_eq(report["live"], 0, "live: no process uses these dirs")
	expect_eq(report["liveness"], "processes", "liveness: the processes were read")
	var missing := root.path_join("missing")
	var refused: Dictionary = cleanup.purge_directory_report(missing)
	expect_eq(refused.keys(), REPORT_KEYS, "keys when refused")
	expect_eq(refused["scanned"], 0, "scanned when refused")
	expect_eq(refused["errors"].size(), 1, "one error when refused")
	expect_eq(refused["live"], 0, "live when refused")
	expect_eq(refused["liveness"], "not needed", "liveness when refused")
	if refused["errors"].size() == 1:
		var text := str(refused["errors"][0])
		expect(text.ends_with("missing: not found"), "error names the path: " + text)


func test_min_age_spares_a_fresh_build_dir() -> void:
	var root := scratch("min_age")
	FsUtil.make_venv(root.path_join(".tmpFresh"))
	FsUtil.write_file(root.path_join(".tmpOld/Lib/x.pyd"), "MZ")
	var made_old := FsUtil.make_old(root.path_join(".tmpOld"))
	var result: Dictionary = cleanup.purge_directory_with(root, {"min_age_sec": 30})
	expect(FsUtil.exists(root.path_join(".tmpFresh/pyvenv.cfg")), "fresh build dir untouched")
	if made_old:
		expect_eq(result, counts(1, 1, 1, 0), "only the old dir swept")
		expect_eq(FsUtil.names_in(root), PackedStringArray([".tmpFresh"]), "left in root")
	else:
		expect_eq(result["scanned"], 0, "fresh dirs not counted")
		skip("could not age a directory here; only the sparing half ran")


func test_dry_run_touches_nothing() -> void:
	var root := scratch("dry_run")
	FsUtil.make_venv(root.path_join(".tmpA"))
	FsUtil.make_venv(root.path_join("_dead_.tmpB"))
	var before := FsUtil.list_tree(root)
	var result: Dictionary = cleanup.purge_directory_with(root, {"dry_run": true})
	expect_eq(result, counts(1, 1, 2, 1), "counts of what would happen")
	expect_eq(FsUtil.list_tree(root), before, "tree unchanged")


func test_bad_options_are_refused_and_touch_nothing() -> void:
	var root := scratch("bad_options")
	FsUtil.make_venv(root.path_join(".tmpA"))
	var before := FsUtil.list_tree(root)
	# Each bad Dictionary, and the exact error it must log.
	var bad_options := [
		[{"bogus": 1}, 'unknown option "bogus" (known: min_age_sec, dry_run, threads, log_summary)'],
		[{"min_age_sec": "30"}, 'option "min_age_sec" must be an int, got String'],
		[{"min_age_sec": 1.5}, 'option "min_age_sec" must be an int, got float'],
		[{"min_age_sec": -5}, 'option "min_age_sec" must be an int >= 0, got -5'],
		[{"threads": 17}, 'option "threads" must be an int from 1 to 16, got 17'],
		[{"dry_run": 1}, 'option "dry_run" must be a bool, got int'],
		[{7: true}, "option keys must be strings, got a key of type int"],
	]
	for case in bad_options:
		expect_error("McpUvCacheCleanup.purge_directory_with: %s; nothing swept" % case[1])
		var result: Dictionary = cleanup.purge_directory_with(root, case[0])
		expect_eq(result, counts(0, 0, 0, 0), "zeros for %s" % var_to_str(case[0]))
	expect_error("McpUvCacheCleanup.purge_directory_async_with: %s; nothing swept" % bad_options[0][1])
	var sweep: RefCounted = cleanup.purge_directory_async_with(root, {"bogus": true})
	var async_result := await finished(sweep)
	expect_eq(async_result, counts(0, 0, 0, 0), "async zeros for a bad option")
	expect_eq(FsUtil.list_tree(root), before, "tree unchanged")


func test_plugin_hook_sweeps_after_a_server_stop() -> void:
	# What the plugin does: its server stops, then one line runs the hook.
	var root := scratch("hook")
	FsUtil.write_file(root.path_join(".tmpOld/Lib/_pydantic_core.pyd"), "MZ")
	var made_old := FsUtil.make_old(root.path_join(".tmpOld"))
	FsUtil.make_venv(root.path_join(".tmpFresh"))  # a client starting uvx right now
	var saved_mode: Variant = ProjectSettings.get_setting(Hook.SETTING_MODE)

	ProjectSettings.set_setting(Hook.SETTING_MODE, null)
	expect_eq(Hook.get_mode(), "async", "async by default")
	expect_eq(Hook.get_min_age_sec(), 30, "min_age_sec 30 by default")
	var sweep: Variant = Hook.after_server_stop(root)
	expect(sweep is Object and sweep.is_class("McpUvCacheSweep"), "async mode returns the sweep")
	if sweep is Object and sweep.is_class("McpUvCacheSweep"):
		var result := await finished(sweep)
		var expected := counts(1, 1, 1, 0) if made_old else counts(0, 0, 0, 0)
		expect_eq(result, expected, "async result")

	ProjectSettings.set_setting(Hook.SETTING_MODE, "sync")
	var sync_result: Variant = Hook.after_server_stop(root)
	ProjectSettings.set_setting(Hook.SETTING_MODE, saved_mode)
	expect_eq(sync_result, counts(0, 0, 0, 0), "sync mode returns the Dictionary")
	expect(FsUtil.exists(root.path_join(".tmpFresh/pyvenv.cfg")), "fresh build dir untouched")
	Hook.register_project_settings()
	expect_eq(ProjectSettings.get_setting(Hook.SETTING_MODE), "async", "registered mode")
	expect_eq(ProjectSettings.get_setting(Hook.SETTING_MIN_AGE_SEC), 30, "registered min age")
	ProjectSettings.set_setting(Hook.SETTING_MODE, saved_mode)
	ProjectSettings.set_setting(Hook.SETTING_MIN_AGE_SEC, null)
	if not made_old:
		skip("could not age a directory here; the sweeping half did not run")
