#!/usr/bin/env bash
# The addon's editor plugin in the Windows editor, under Wine, on uv's real
# Windows caches.
#
#   tests/engine/godot_editor_windows.sh [EDITOR]   a Windows editor .exe, else
#       the first Windows editor of the engine table (tests/engine/godot_engines.sh)
#
# A fresh copy of godot_project/ with the addon (its Windows DLLs) in a
# throwaway Wine prefix: imported by the editor itself (the first import
# registers no class and says so), then the editor proper with the test
# runner plugin, running tests/windows_editor_plugin_tests.gd: stale build
# dirs in the Wine user's %LOCALAPPDATA%\uv\cache and in a UV_CACHE_DIR
# cache, one whose .pyd a second process holds open; our plugin enabled:
# its start sweep removes the rest and names the held one, its periodic look
# removes that once the holder exits, its command reports what the caches
# show; then disabled. Then the same beside the real godot-ai 2.4.2 plugin,
# unmodified and enabled (only our McpUvCacheCleanup stands aside). Each log
# is judged as on Linux (no error, leak or crash). Prints one SKIPPED line
# without the editor, Wine or the DLL (or godot-ai, for the last stage).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/engine/godot_engines.sh

editor="$(pick_engine "${1:-windows}" editor "the editor plugin in the Windows editor")" || skip_or_fail $?
echo "godot_editor_windows: editor $editor"

scratch="$(mktemp -d)"
trap 'wine_cleanup; rm -rf "$scratch"' EXIT
make_wine_prefix "$scratch/prefix"
project="$scratch/project"
FIRST_IMPORT_LINE="$(rust_line FIRST_IMPORT_LINE rust/startup.rs)"

echo "== stage import"
fresh_editor_project "$project"
judged "godot_editor_windows: stage import" "$scratch/import.log" --no-summary -- \
    run_editor "$editor" "$scratch/import.log" "$project" --import
expect_line_count "$scratch/import.log" "$FIRST_IMPORT_LINE" 1 "godot_editor_windows: stage import"

echo "== stage plugin"
enable_editor_plugin "$project" res://tests/editor_runner/plugin.cfg
judged "godot_editor_windows: stage plugin" "$scratch/plugin.log" -- \
    run_editor "$editor" "$scratch/plugin.log" "$project" --editor -- --case=res://tests/windows_editor_plugin_tests.gd
if grep '^SKIP ' "$scratch/plugin.log" | grep -v -q 'godot-ai is not in this project'; then
    echo "godot_editor_windows: the plugin test skipped: $(grep '^SKIP ' "$scratch/plugin.log")" >&2
    exit 1
fi
echo "godot_editor_windows: stage plugin passed"

# The same beside the real godot-ai 2.4.2 plugin, unmodified and enabled: its
# script declares McpUvCacheCleanup, so only that class stands aside (one
# line), godot-ai's scripts load, and our plugin sweeps through
# McpUvCacheSweep. godot-ai leaks two of its scripts at exit (see
# tests/engine/godot_ai_editor.sh): --verbose names them, and only leaks under
# res://addons/godot_ai/ are accepted.
if [[ ! -f "$MCP_UVCC_GODOT_AI/plugin.gd" ]]; then
    echo "SKIPPED: the Windows editor beside godot-ai (no godot-ai plugin at $MCP_UVCC_GODOT_AI)"
    exit 0
fi
echo "== stage beside-godot-ai"
STAND_ASIDE_LINE="$(rust_line STAND_ASIDE_LINE rust/script_conflict.rs)"
beside="$scratch/beside"
fresh_editor_project "$beside"
cp -R "$MCP_UVCC_GODOT_AI" "$beside/addons/godot_ai"
judged "godot_editor_windows: beside godot-ai, import" "$scratch/beside-import.log" --no-summary \
    --allow-warning "$STAND_ASIDE_LINE" -- run_editor "$editor" "$scratch/beside-import.log" "$beside" --import
enable_editor_plugin "$beside" res://addons/godot_ai/plugin.cfg res://tests/editor_runner/plugin.cfg
judged "godot_editor_windows: stage beside-godot-ai" "$scratch/beside.log" --allow-warning "$STAND_ASIDE_LINE" \
    --leaks-of res://addons/godot_ai/ -- run_editor "$editor" "$scratch/beside.log" "$beside" --editor --verbose -- \
    --case=res://tests/windows_editor_plugin_tests.gd
expect_line_count "$scratch/beside.log" "$STAND_ASIDE_LINE" 1 "godot_editor_windows: stage beside-godot-ai"
expect_line_count "$scratch/beside.log" "sweeping natively through McpUvCacheSweep" 1 \
    "godot_editor_windows: stage beside-godot-ai"
if grep -q '^SKIP ' "$scratch/beside.log"; then
    echo "godot_editor_windows: a test skipped beside godot-ai: $(grep '^SKIP ' "$scratch/beside.log")" >&2
    exit 1
fi
echo "godot_editor_windows: all stages passed, logs clean"
