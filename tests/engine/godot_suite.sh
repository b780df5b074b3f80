#!/usr/bin/env bash
# Runs an in-engine scene of godot_project/ against the native library, in a
# headless Godot, and judges its log with tests/engine/godot_log.py.
#
#   tests/engine/godot_suite.sh [ENGINE [SCENE]]
#
# ENGINE is a Godot binary (a Windows .exe runs under Wine), or linux or
# windows for the first engine of that OS in the engine table
# (tests/engine/godot_engines.sh); linux when not given.
# SCENE defaults to res://tests/suite.tscn (res://tests/bench.tscn is the
# benchmark). Prints one SKIPPED line and exits 0 when that engine (or, for
# Windows, Wine and the cross-built DLL) is not there. Expects the libraries
# built into addons/mcp_uv_cache_cleanup/bin/ (scripts/build-libraries.sh, or
# scripts/build-addon.sh --no-demo for this machine's), or $MCP_UVCC_ADDON_SOURCE set
# to another copy of the addon (tests/run.sh: the unpacked release archive).
#
# Before the scene, it runs res://tests/harness_selftest.tscn, whose test
# crashes on purpose, and fails unless the log check rejects that run: a
# check that cannot fail proves nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/engine/godot_engines.sh

scene="${2:-res://tests/suite.tscn}"
project=godot_project

engine="$(pick_engine "${1:-linux}" any "the in-engine suite")" || skip_or_fail $?
platform="$(engine_os "$engine")"
echo "godot_suite: $platform engine $engine, scene $scene"

prepare_project "$project"
scratch="$(mktemp -d)"
trap 'wine_cleanup; rm -rf "$scratch"' EXIT
[[ "$platform" == windows ]] && make_wine_prefix "$scratch/prefix"

# The proof that the checks can fail: a deliberate SCRIPT ERROR and an
# undeclared ERROR: line, in a run that still prints "1 passed, 0 failed".
run_scene "$engine" "$scratch/selftest.log" "$project" res://tests/harness_selftest.tscn || true
python3 tests/engine/godot_log.py "$scratch/selftest.log" --expect-failure "SCRIPT ERROR"
python3 tests/engine/godot_log.py "$scratch/selftest.log" --expect-failure "unexpected ERROR: "

judged "godot_suite: $platform: $scene" "$scratch/run.log" -- run_scene "$engine" "$scratch/run.log" "$project" "$scene"
echo "godot_suite: $platform: $scene passed, log clean"
