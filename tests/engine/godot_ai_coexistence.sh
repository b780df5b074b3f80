#!/usr/bin/env bash
# Our addon next to godot-ai, in a real engine (issue: installing the addon
# must never break godot-ai, and adopting the native sweep is one file).
#
#   tests/engine/godot_ai_coexistence.sh [ENGINE]   (as tests/engine/godot_suite.sh)
#
# Builds a project from tests/engine/godot_ai_project/ (godot-ai's layout: its real
# utils/uv_cache_cleanup.gd from ../shared/godot-ai, which declares
# `class_name McpUvCacheCleanup`, and stand-ins of plugin.gd and
# server_lifecycle.gd that preload it), adds the addon and the test harness, and runs
# tests/coexistence_tests.gd in three stages, each a fresh start of Godot:
#
# 1. conflict:  godot-ai as it ships. Everything compiles and sweeps, the
#               native class stands aside, and the Output says so exactly once.
# 2. adopted:   godot-ai's file replaced by our integration file, the global
#               class cache still naming it (as at the editor's next start).
#               The native class is active; nothing is said.
# 3. no_native: the integration file without the native library: the same
#               Dictionaries from its GDScript sweep.
#
# Prints one SKIPPED line when the engine is not there (tests/engine/godot_engines.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/engine/godot_engines.sh

engine="$(pick_engine "${1:-linux}" any "godot-ai coexistence")" || skip_or_fail $?
platform="$(engine_os "$engine")"
if [[ ! -f "$MCP_UVCC_GODOT_AI/utils/uv_cache_cleanup.gd" ]]; then
    echo "SKIPPED: godot-ai coexistence on $platform (no godot-ai plugin at $MCP_UVCC_GODOT_AI)"
    exit 0
fi
echo "godot_ai_coexistence: $platform engine $engine"

scratch="$(mktemp -d)"
trap 'wine_cleanup; rm -rf "$scratch"' EXIT
project="$scratch/project"
cp -R tests/engine/godot_ai_project "$project"
# godot-ai's own sweeper, unmodified; the two scripts that preload it are
# stand-ins, as the real ones extend EditorPlugin, which templates lack (the
# real plugin runs in tests/engine/godot_ai_editor.sh).
cp "$MCP_UVCC_GODOT_AI/utils/uv_cache_cleanup.gd" "$project/addons/godot_ai/utils/uv_cache_cleanup.gd"
copy_test_harness "$project"
prepare_project "$project"
[[ "$platform" == windows ]] && make_wine_prefix "$scratch/prefix"

STAND_ASIDE_LINE="$(rust_line STAND_ASIDE_LINE rust/script_conflict.rs)"

# Runs one stage and checks its log; $2 is how many stand-aside lines it must
# show (each one a warning the log judge is told of).
run_stage() {
    local stage="$1" want_lines="$2" log="$scratch/$1.log" options=()
    echo "== stage $stage"
    ((want_lines == 0)) || options=(--allow-warning "$STAND_ASIDE_LINE")
    judged "godot_ai_coexistence: stage $stage" "$log" "${options[@]}" -- run_scene "$engine" "$log" "$project" \
        res://tests/suite.tscn --case=res://tests/coexistence_tests.gd "--stage=$stage"
    expect_line_count "$log" "$STAND_ASIDE_LINE" "$want_lines" "godot_ai_coexistence: stage $stage"
}

run_stage conflict 1
cp "$MCP_UVCC_ADDON_SOURCE/integrations/godot_ai/uv_cache_cleanup.gd" \
    "$project/addons/godot_ai/utils/uv_cache_cleanup.gd"
run_stage adopted 0
: > "$project/.godot/extension_list.cfg"
run_stage no_native 0
echo "godot_ai_coexistence: $platform: all three stages passed"
