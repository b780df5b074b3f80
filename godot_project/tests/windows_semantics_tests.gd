@tool
extends "res://tests/test_case.gd"
## What only Windows shows, end to end through the Godot API: the live cache
## under %LOCALAPPDATA%, files held open without FILE_SHARE_DELETE, read-only
## attributes, paths past MAX_PATH. On other systems the Windows-only tests
## say SKIP with the reason; the Linux stand-ins are the Rust tests.

const Hook := preload("res://addons/mcp_uv_cache_cleanup/uv_cache_sweep_hook.gd")
const PYD := "Lib/site-packages/pydantic_core/_pydantic_core.cp313-win_amd64.pyd"
const NOT_LOCKED_HERE := (
	"an open file does not block deletion here (Linux stand-in: chattr +i in tests/sweep_safety.rs)"
)


## Two build venvs, a dead dir left by an earlier sweep, and what must survive:
## the sibling archive-v0 and a *file* named like a build dir.
func _fill_live_cache(root: String) -> void:
	FsUtil.make_venv(root.path_join(".tmpA1"))
	FsUtil.make_venv(root.path_join(".tmpB2"))
	FsUtil.make_venv(root.path_join("_dead_.tmpOld"))
	FsUtil.write_file(root.path_join(".tmpx"), "a file, not a build dir")
	FsUtil.write_file(root.get_base_dir().path_join("archive-v0/abc/pkg.py"), "kept")


func _expect_survivors(root: String, what: String) -> void:
	expect_eq(FsUtil.names_in(root), PackedStringArray([".tmpx"]), what + ": left in builds-v0")
	var kept := FileAccess.get_file_as_string(root.get_base_dir().path_join("archive-v0/abc/pkg.py"))
	expect_eq(kept, "kept", what + ": archive-v0 untouched")


func test_purge_stale_builds_sweeps_the_live_cache() -> void:
	var root := live_builds_root()
	if root.is_empty():
		return
	var resolved: String = cleanup.stale_builds_root().replace("\\", "/")
	expect_eq(resolved, root, "stale_builds_root")
	# No UV_CACHE_DIR and no uv.toml: the editor's uvx and godot-ai 4's
	# isolated server share uv's default cache, swept once.
	var roots: PackedStringArray = cleanup.stale_builds_roots()
	expect_eq(roots.size(), 1, "one cache to sweep")
	expect_eq(roots[0].replace("\\", "/") if roots.size() > 0 else "", root, "stale_builds_roots")
	_fill_live_cache(root)
	expect_eq(cleanup.purge_stale_builds(), counts(2, 2, 3, 0), "purge_stale_builds")
	_expect_survivors(root, "sync")

	_fill_live_cache(root)
	var result: Dictionary = await finished(cleanup.purge_stale_builds_async())
	expect_eq(result, counts(2, 2, 3, 0), "purge_stale_builds_async")
	_expect_survivors(root, "async")


func test_plugin_hook_sweeps_the_live_cache_in_both_modes() -> void:
	var root := live_builds_root()
	if root.is_empty():
		return
	var saved_mode: Variant = ProjectSettings.get_setting(Hook.SETTING_MODE)
	var saved_age: Variant = ProjectSettings.get_setting(Hook.SETTING_MIN_AGE_SEC)
	# The fixture is brand new and Wine cannot back-date it: no minimum age.
	ProjectSettings.set_setting(Hook.SETTING_MIN_AGE_SEC, 0)

	_fill_live_cache(root)
	ProjectSettings.set_setting(Hook.SETTING_MODE, "async")
	var sweep: Variant = Hook.after_server_stop()
	expect_eq(await finished(sweep), counts(2, 2, 3, 0), "async hook")
	_expect_survivors(root, "async hook")

	_fill_live_cache(root)
	ProjectSettings.set_setting(Hook.SETTING_MODE, "sync")
	expect_eq(Hook.after_server_stop(), counts(2, 2, 3, 0), "sync hook")
	_expect_survivors(root, "sync hook")

	ProjectSettings.set_setting(Hook.SETTING_MODE, saved_mode)
	ProjectSettings.set_setting(Hook.SETTING_MIN_AGE_SEC, saved_age)


## A scratch cache with one build venv whose file a test will hold open, or
## "" (and a skip) where an open file does not block deletion.
func _cache_to_hold(label: String) -> String:
	if OS.get_name() != "Windows":
		skip(NOT_LOCKED_HERE)
		return ""
	var root := scratch(label)
	FsUtil.make_venv(root.path_join(".tmpLocked"))
	return root


func test_a_file_held_open_here_stays_until_released() -> void:
	var root := _cache_to_hold("held_here")
	if root.is_empty():
		return
	var held := FileAccess.open(root.path_join(".tmpLocked").path_join(PYD), FileAccess.READ)
	if not expect_object(held, "FileAccess", "open the .pyd"):
		return
	_expect_held_then_released(root, func() -> void: held.close())


func test_a_file_held_open_by_another_process_stays_until_released() -> void:
	var root := _cache_to_hold("held_elsewhere")
	if root.is_empty():
		return
	var markers := ProjectSettings.globalize_path(scratch("held_elsewhere_markers"))
	var ready := markers.path_join("ready")
	var release := markers.path_join("release")
	var pyd := ProjectSettings.globalize_path(root.path_join(".tmpLocked").path_join(PYD))
	var pid: int = await start_holder(
		OS.get_executable_path(), pyd, ready, release, "the second process"
	)
	if pid <= 0:
		return
	var release_and_wait := func() -> void:
		FsUtil.write_file(release, "go")
		var exit_deadline := Time.get_ticks_msec() + HOLDER_TIMEOUT_MSEC
		while OS.is_process_running(pid) and Time.get_ticks_msec() < exit_deadline:
			OS.delay_msec(20)
	_expect_held_then_released(root, release_and_wait)
	expect(not OS.is_process_running(pid), "second process exited")


## A program running from inside a build dir, as uv's build Python runs from
## `<.tmp>\Scripts\python.exe`, keeps that dir whatever its age: the drop-in
## sweep neither renames nor removes it, the report counts it as live, and
## once the program exits the next sweep removes it. Wine renames such a dir
## (Windows would refuse while the image is mapped), so only the process
## check keeps it here. Linux stand-ins: tests/sweep_liveness.rs.
func test_a_build_dir_whose_program_runs_stays_until_it_exits() -> void:
	if OS.get_name() != "Windows":
		skip("the Linux stand-ins are tests/sweep_liveness.rs (every kind of use /proc shows)")
		return
	var root := scratch("live_program")
	FsUtil.make_venv(root.path_join(".tmpRunning"))
	FsUtil.make_venv(root.path_join(".tmpStale"))
	var program := ProjectSettings.globalize_path(root.path_join(".tmpRunning/Scripts/python.exe"))
	DirAccess.make_dir_recursive_absolute(program.get_base_dir())
	var copied := DirAccess.copy_absolute(OS.get_executable_path(), program)
	expect_eq(copied, OK, "copy this engine into the build dir")
	var markers := ProjectSettings.globalize_path(scratch("live_program_markers"))
	var outside := markers.path_join("held_outside_the_cache")
	FsUtil.write_file(outside, "the only link to the build dir is the program's image")
	var ready := markers.path_join("ready")
	var release := markers.path_join("release")
	var pid: int = await start_holder(
		program, outside, ready, release, "the program in the build dir"
	)
	if pid <= 0:
		return

	var while_running: Dictionary = cleanup.purge_directory(root)
	expect_eq(while_running, counts(1, 1, 1, 0), "drop-in sweep while it runs")
	var kept := PackedStringArray([".tmpRunning"])
	expect_eq(FsUtil.names_in(root), kept, "the live dir stays, unrenamed")
	expect(FileAccess.file_exists(program), "the running program is untouched")
	var report: Dictionary = cleanup.purge_directory_report(root)
	expect_eq(report.get("scanned"), 0, "report: a live dir is not scanned")
	expect_eq(report.get("live"), 1, "report: live")
	expect_eq(report.get("liveness"), "processes", "report: the processes were read")

	FsUtil.write_file(release, "go")
	var exit_deadline := Time.get_ticks_msec() + HOLDER_TIMEOUT_MSEC
	while OS.is_process_running(pid) and Time.get_ticks_msec() < exit_deadline:
		await tree.process_frame
	expect(not OS.is_process_running(pid), "the program exited")
	var after_exit: Dictionary = cleanup.purge_directory(root)
	expect_eq(after_exit, counts(1, 1, 1, 0), "next sweep after it exited")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")


## The sweep renames the build dir, cannot delete the held file, reports it
## (count, report error and Output warning, each naming the file), and the next
## sweep after `release` removes it.
func _expect_held_then_released(root: String, release: Callable) -> void:
	expect_warning("_dead_.tmpLocked")
	var held_sweep: Dictionary = cleanup.purge_directory(root)
	expect_eq(held_sweep, counts(1, 1, 0, 1), "sweep while the file is held")
	expect_eq(FsUtil.names_in(root), PackedStringArray(["_dead_.tmpLocked"]), "renamed, not removed")
	expect_warning("_pydantic_core.cp313-win_amd64.pyd")
	var report: Dictionary = cleanup.purge_directory_report(root)
	expect_eq(report.get("remaining"), 1, "report: remaining while held")
	var errors: Array = report.get("errors", [])
	var pyd_name := PYD.get_file()
	var named := errors.any(func(text: Variant) -> bool: return str(text).contains(pyd_name))
	expect(named, "a report error names the held file: %s" % var_to_str(errors))
	release.call()
	expect_eq(cleanup.purge_directory(root), counts(0, 0, 1, 0), "next sweep after release")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")


func test_read_only_files_are_removed() -> void:
	var root := scratch("read_only")
	FsUtil.make_venv(root.path_join(".tmpRO"))
	var marked := 0
	for relative in [PYD, "pyvenv.cfg", "Lib/site-packages/.hidden_marker"]:
		var path := ProjectSettings.globalize_path(root.path_join(".tmpRO").path_join(relative))
		FileAccess.set_read_only_attribute(path, true)
		if FileAccess.get_read_only_attribute(path):
			marked += 1
	if marked == 0:
		skip("FileAccess cannot set the read-only attribute on %s" % OS.get_name())
		return
	expect_eq(marked, 3, "files marked read-only")
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 1, 0), "counts")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")


func test_a_path_longer_than_max_path_is_removed() -> void:
	var root := scratch("long_path")
	var deepest := root.path_join(".tmpLong/Lib/site-packages")
	while ProjectSettings.globalize_path(deepest).length() < 300:
		deepest = deepest.path_join("a_rather_long_package_directory_name")
	var file := deepest.path_join("module.py")
	FsUtil.write_file(file, "# past MAX_PATH\n")
	var length := ProjectSettings.globalize_path(file).length()
	if not FileAccess.file_exists(file):
		skip("this Godot cannot create a %d-character path" % length)
		return
	expect(length > 260, "path is %d characters" % length)
	expect_eq(cleanup.purge_directory(root), counts(1, 1, 1, 0), "counts")
	expect_eq(FsUtil.names_in(root), PackedStringArray(), "left in root")


## Runs `body` with the environment variables of `overrides` set ("" unsets
## one), then puts every one back as it was.
func _with_environment(overrides: Dictionary, body: Callable) -> void:
	var saved := set_environment(overrides)
	body.call()
	restore_environment(saved)


## Writes a user-level uv.toml under `base`/Roaming whose cache-dir is
## `cache`; returns that Roaming folder as a Windows path, for APPDATA.
func _user_uv_toml(base: String, cache: String) -> String:
	var app_data := base.path_join("Roaming")
	var toml_value := cache.replace("/", "\\\\")
	FsUtil.write_file(app_data.path_join("uv/uv.toml"), 'cache-dir = "%s"\n' % toml_value)
	return app_data.replace("/", "\\")


## `roots` (of a report or the last sweep) as `[builds_root, rule]` pairs,
## with forward slashes.
func _roots_of(roots: Variant) -> Array:
	var pairs := []
	for entry in roots as Array:
		pairs.append([String(entry.get("builds_root", "")).replace("\\", "/"), entry.get("rule")])
	return pairs


func test_uv_cache_dir_and_uvs_default_cache_are_both_swept() -> void:
	var default_root := live_builds_root()
	if default_root.is_empty():
		return
	var base := ProjectSettings.globalize_path(scratch("uv_cache_dir"))
	var cache := base.path_join("uv-elsewhere")
	var root := cache.path_join("builds-v0")
	# A user uv.toml naming a third cache: UV_CACHE_DIR comes first in uv's
	# order and godot-ai 4's isolated server reads no uv.toml, so no uv of
	# this user builds there: it is left alone.
	var toml_cache := base.path_join("uv-from-toml")
	FsUtil.make_venv(toml_cache.path_join("builds-v0/.tmpToml"))
	var env := uv_environment({
		"UV_CACHE_DIR": cache.replace("/", "\\"),
		"APPDATA": _user_uv_toml(base, toml_cache),
	})
	var expected_roots := [[root, "UV_CACHE_DIR"], [default_root, "uv default: LOCALAPPDATA"]]
	_with_environment(env, func() -> void:
		expect_eq(cleanup.stale_builds_root().replace("\\", "/"), root, "stale_builds_root")
		var roots := []
		for each in cleanup.stale_builds_roots():
			roots.append(each.replace("\\", "/"))
		expect_eq(roots, [root, default_root], "stale_builds_roots: the editor's, then uv's default")
		_fill_live_cache(root)
		FsUtil.make_venv(default_root.path_join(".tmpDefault"))
		var both: Dictionary = cleanup.purge_stale_builds()
		expect_eq(both, counts(3, 3, 4, 0), "purge_stale_builds: both, summed")
		_expect_survivors(root, "UV_CACHE_DIR")
		expect_eq(FsUtil.names_in(default_root), PackedStringArray(), "uv's default cache swept")
		var last: Dictionary = cleanup.last_stale_builds_sweep()
		var last_roots := _roots_of(last.get("roots", []))
		expect_eq(last_roots, expected_roots, "last sweep: each root with its rule")
		expect_eq(last.get("rule"), "UV_CACHE_DIR", "last sweep: the editor's rule")

		FsUtil.make_venv(default_root.path_join(".tmpDefault"))
		var report: Dictionary = cleanup.purge_stale_builds_report()
		expect_eq(report.get("rule"), "UV_CACHE_DIR", "report rule")
		expect_eq(_roots_of(report.get("roots", [])), expected_roots, "report: each root with its rule")
		expect_eq(report.get("scanned"), 1, "report: the counts summed")
		var per_root: Array = report.get("roots", [])
		if per_root.size() == 2:
			expect_eq(per_root[1].get("scanned"), 1, "report: the default cache's own count")
	)
	var toml_left := FsUtil.names_in(toml_cache.path_join("builds-v0"))
	expect_eq(toml_left, PackedStringArray([".tmpToml"]), "the uv.toml cache untouched")


func test_the_plugin_hook_sweeps_both_caches_in_both_modes() -> void:
	var default_root := live_builds_root()
	if default_root.is_empty():
		return
	var base := ProjectSettings.globalize_path(scratch("uv_cache_dir_hook"))
	var root := base.path_join("uv-elsewhere/builds-v0")
	var saved_mode: Variant = ProjectSettings.get_setting(Hook.SETTING_MODE)
	var saved_age: Variant = ProjectSettings.get_setting(Hook.SETTING_MIN_AGE_SEC)
	# The fixture is brand new and Wine cannot back-date it: no minimum age.
	ProjectSettings.set_setting(Hook.SETTING_MIN_AGE_SEC, 0)
	var saved_env := set_environment(
		uv_environment({"UV_CACHE_DIR": root.get_base_dir().replace("/", "\\")})
	)
	for mode in ["sync", "async"]:
		_fill_live_cache(root)
		FsUtil.make_venv(default_root.path_join(".tmpDefault"))
		ProjectSettings.set_setting(Hook.SETTING_MODE, mode)
		var result: Variant = Hook.after_server_stop()
		if result is Object and result.is_class("McpUvCacheSweep"):
			result = await finished(result)
		expect_eq(result, counts(3, 3, 4, 0), mode + " hook: both caches, summed")
		_expect_survivors(root, mode + " hook")
		expect_eq(FsUtil.names_in(default_root), PackedStringArray(), mode + " hook: default cache")
	restore_environment(saved_env)
	ProjectSettings.set_setting(Hook.SETTING_MODE, saved_mode)
	ProjectSettings.set_setting(Hook.SETTING_MIN_AGE_SEC, saved_age)


func test_the_async_sweep_sweeps_both_caches_and_sums() -> void:
	var default_root := live_builds_root()
	if default_root.is_empty():
		return
	var base := ProjectSettings.globalize_path(scratch("uv_cache_dir_async"))
	var cache := base.path_join("uv-elsewhere")
	var root := cache.path_join("builds-v0")
	_fill_live_cache(root)
	FsUtil.make_venv(default_root.path_join(".tmpDefault"))
	var saved_env := set_environment(uv_environment({"UV_CACHE_DIR": cache.replace("/", "\\")}))
	var sweep: RefCounted = cleanup.purge_stale_builds_async()
	restore_environment(saved_env)
	var result := await finished(sweep)
	expect_eq(result, counts(3, 3, 4, 0), "purge_stale_builds_async: both, summed")
	_expect_survivors(root, "async UV_CACHE_DIR")
	expect_eq(FsUtil.names_in(default_root), PackedStringArray(), "async: uv's default cache swept")


func test_a_user_uv_toml_cache_dir_is_swept() -> void:
	var default_root := live_builds_root()
	if default_root.is_empty():
		return
	var base := ProjectSettings.globalize_path(scratch("user_uv_toml"))
	var cache := base.path_join("uv-from-toml")
	var root := cache.path_join("builds-v0")
	_fill_live_cache(root)
	FsUtil.make_venv(default_root.path_join(".tmpDefault"))
	var env := uv_environment({"APPDATA": _user_uv_toml(base, cache)})
	_with_environment(env, func() -> void:
		var both: Dictionary = cleanup.purge_stale_builds()
		expect_eq(both, counts(3, 3, 4, 0), "purge_stale_builds: both caches")
		_expect_survivors(root, "user uv.toml")
		var last: Dictionary = cleanup.last_stale_builds_sweep()
		expect_eq(last.get("rule"), "user uv.toml", "last sweep rule")
		expect_eq(String(last.get("builds_root", "")).replace("\\", "/"), root, "last sweep root")
		var expected := [[root, "user uv.toml"], [default_root, "uv default: LOCALAPPDATA"]]
		expect_eq(_roots_of(last.get("roots", [])), expected, "last sweep roots")
	)
	expect_eq(FsUtil.names_in(default_root), PackedStringArray(), "uv's default cache swept too")
