#!/usr/bin/env bash
# Runs an in-engine scene of godot_project/ against the native library, in a
# headless Godot, and judges its log with tests/engine/godot_log.py.
#
#   tests/engine/godot_suite.sh linux [SCENE]     $GODOT, else ../shared/godot/linux/godot
#   tests/engine/godot_suite.sh windows [SCENE]   $GODOT_WINDOWS, else
#                                          ../shared/godot/windows/godot.exe, under Wine
#
# SCENE defaults to res://tests/suite.tscn (res://tests/bench.tscn is the
# benchmark). Prints one SKIPPED line and exits 0 when that engine (or, for
# Windows, Wine and the cross-built DLL) is not there. Expects the libraries
# built into addons/mcp_uv_cache_cleanup/bin/ (scripts/build-libraries.sh, or
# scripts/build-addon.sh --no-demo for this machine's), or $ADDON_SOURCE set
# to another copy of the addon (tests/run.sh: the unpacked release archive).
#
# Before the scene, it runs res://tests/harness_selftest.tscn, whose test
# crashes on purpose, and fails unless the log check rejects that run: a
# check that cannot fail proves nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/engine/godot_engines.sh

platform="${1:?usage: tests/engine/godot_suite.sh linux|windows [SCENE]}"
scene="${2:-res://tests/suite.tscn}"
project=godot_project

engine="$(engine_for "$platform")" || exit 0
echo "godot_suite: $platform engine $engine, scene $scene"

prepare_project "$project"
scratch="$(mktemp -d)"
trap 'wine_cleanup; rm -rf "$scratch"' EXIT
[[ "$platform" == windows ]] && make_wine_prefix "$scratch/prefix"

# The proof that the checks can fail: a deliberate SCRIPT ERROR and an
# undeclared ERROR: line, in a run that still prints "1 passed, 0 failed".
run_engine "$platform" "$engine" "$project" res://tests/harness_selftest.tscn "$scratch/selftest.log" || true
python3 tests/engine/godot_log.py "$scratch/selftest.log" --expect-failure "SCRIPT ERROR"
python3 tests/engine/godot_log.py "$scratch/selftest.log" --expect-failure "unexpected ERROR: "

run_and_judge "godot_suite: $platform: $scene" "$platform" "$engine" "$project" "$scene" "$scratch/run.log"
echo "godot_suite: $platform: $scene passed, log clean"
