@tool
extends "res://tests/test_case.gd"
## Sweeps a cache in which the real uv is building, through every entry point.
## Run only by tests/real_uv/real_uv.sh, as
##
##     suite.tscn -- --case=res://tests/real_uv_tests.gd
##
## with MCP_UVCC_REAL_UV_BUILDS_ROOT (the builds-v0 of a private uv cache where builds
## have run for longer than the hook's min_age_sec) and MCP_UVCC_REAL_UV_KILLED (the
## names, comma-separated, of the dirs a uv killed mid-build left there).
## Every entry point must sweep the killed uv's dirs and leave the running
## builds' dirs exactly as they are; the script then checks that every build
## succeeded.
##
## With MCP_UVCC_REAL_UV_BETWEEN_ROOT instead: a cache where uv builds a package
## between two of its steps (its build venv made, a build requirement being
## built, so no process names that venv): a sweep at min_age_sec 0 must leave
## every dir there, as uv's shard lock shows the build is on. With
## MCP_UVCC_REAL_UV_INSTALLING_ROOT: a cache where a uvx waits to install into the
## tool environment it made there (no build, no process naming it): the same,
## as uv's lock on the environment it is making shows it.

const Hook := preload("res://addons/mcp_uv_cache_cleanup/uv_cache_sweep_hook.gd")
const GodotAiDropIn := preload(
	"res://addons/mcp_uv_cache_cleanup/integrations/godot_ai/uv_cache_cleanup.gd"
)


func test_every_entry_point_spares_running_builds_and_sweeps_a_killed_one() -> void:
	var root := OS.get_environment("MCP_UVCC_REAL_UV_BUILDS_ROOT")
	if root.is_empty():
		skip("run by tests/real_uv/real_uv.sh, with the real uv building")
		return
	var killed := OS.get_environment("MCP_UVCC_REAL_UV_KILLED").split(",", false)
	var before := FsUtil.names_in(root)
	var running: PackedStringArray = []
	for name in before:
		if not killed.has(name):
			running.append(name)
	expect(killed.size() >= 1, "the killed uv left build dirs: %s" % [killed])
	for name in killed:
		expect(before.has(name), "the killed uv's %s is there" % name)
	expect(running.size() >= 3, "the running builds' dirs are there: %s" % [running])
	for name in running:
		expect(name.begins_with(".tmp"), "only uv's own dirs besides: %s" % name)

	var gone := killed.size()
	var dropped: Dictionary = cleanup.purge_directory(root)
	expect_eq(dropped, counts(gone, gone, gone, 0), "drop-in: only the killed uv's dirs")
	expect_eq(FsUtil.names_in(root), running, "drop-in: the running builds' dirs stay")

	ProjectSettings.set_setting(Hook.SETTING_MODE, Hook.MODE_SYNC)
	expect_eq(Hook.after_server_stop(root), counts(0, 0, 0, 0), "hook, sync, min_age_sec 30")
	ProjectSettings.set_setting(Hook.SETTING_MODE, Hook.MODE_ASYNC)
	var hooked := await finished(Hook.after_server_stop(root))
	expect_eq(hooked, counts(0, 0, 0, 0), "hook, async, min_age_sec 30")
	var adopted := GodotAiDropIn.purge_directory(root)
	expect_eq(adopted, counts(0, 0, 0, 0), "godot-ai's uv_cache_cleanup.gd, adopted")

	var report: Dictionary = cleanup.purge_directory_report(root)
	expect_eq(report.get("live"), running.size(), "report: every running build is live")
	expect_eq(report.get("liveness"), "processes", "report: the processes were read")
	expect_eq(FsUtil.names_in(root), running, "the running builds' dirs are all still there")


func test_a_build_between_its_steps_is_spared_at_any_age() -> void:
	var root := OS.get_environment("MCP_UVCC_REAL_UV_BETWEEN_ROOT")
	if root.is_empty():
		skip("run by tests/real_uv/real_uv.sh, with a build between its steps")
		return
	# The package's venv, the requirement's venv and its wheel directory.
	_expect_all_spared_at_any_age(root, 3)


func test_a_uvx_installing_into_its_environment_is_spared_at_any_age() -> void:
	var root := OS.get_environment("MCP_UVCC_REAL_UV_INSTALLING_ROOT")
	if root.is_empty():
		skip("run by tests/real_uv/real_uv.sh, with a uvx installing")
		return
	# The tool's environment, made before the wheel it waits for.
	_expect_all_spared_at_any_age(root, 1)


## Sweeps `root` at min_age_sec 0 and expects it to hold at least `at_least`
## dirs, every one live and left exactly as it was.
func _expect_all_spared_at_any_age(root: String, at_least: int) -> void:
	var before := FsUtil.names_in(root)
	expect(before.size() >= at_least, "uv's dirs are there: %s" % [before])
	var swept: Dictionary = cleanup.purge_directory_with(root, {"min_age_sec": 0})
	expect_eq(swept, counts(0, 0, 0, 0), "min_age_sec 0: nothing of uv's is touched")
	var report: Dictionary = cleanup.purge_directory_report(root)
	expect_eq(report.get("live"), before.size(), "report: every dir of uv's is live")
	expect_eq(FsUtil.names_in(root), before, "uv's dirs are all still there")
