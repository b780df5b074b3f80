#!/usr/bin/env bash
# Our addon next to the real godot-ai plugin (../shared/godot-ai, unmodified),
# enabled, in a real Godot editor: three stages, each a fresh editor start
# (tests/engine/godot_ai_editor/godot_ai_editor_tests.gd says what each checks).
#
#   tests/engine/godot_ai_editor.sh     $GODOT_EDITOR, else the editor of
#                                ../shared/godot/engines.tsv; $GODOT_AI, else
#                                ../shared/godot-ai/addons/godot_ai
#
# 1. installed: godot-ai as it ships. Its scripts compile, its plugin enters
#    the tree, our stand-aside line appears exactly once, and our own editor
#    plugin, enabled beside it, sweeps through McpUvCacheSweep and says so.
# 2. adopted:   our integration file copied over godot-ai's
#    utils/uv_cache_cleanup.gd, no other edit. godot-ai's own stop and
#    force-restart code runs against its real Python server (PyPI
#    godot-ai==2.4.2, installed into a venv here, on loopback port 8000) and
#    reaches the native sweep.
# 3. toggled:   godot-ai disabled and re-enabled in the running editor.
#
# godot-ai runs headless only with GODOT_AI_ALLOW_HEADLESS=1. Its server
# outlives the editor by design; every stage stops it through godot-ai, and
# the runner kills any that is left and fails if it had to. godot-ai 2.4.2
# itself leaks at exit (its server_lifecycle.gd and server_version_check.gd
# hold each other): the editor runs --verbose, so the log names each leak,
# and the verdict accepts only leaks under res://addons/godot_ai/ with no
# instance of our classes among them. Prints one SKIPPED line when the
# editor or godot-ai is not there.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/engine/godot_engines.sh

GODOT_AI="${GODOT_AI:-../shared/godot-ai/addons/godot_ai}"
SERVER_VERSION=2.4.2
editor="$(editor_engine)" || exit 0
if [[ ! -f "$GODOT_AI/plugin.gd" ]]; then
    echo "SKIPPED: godot-ai editor stages (no godot-ai plugin at $GODOT_AI)"
    exit 0
fi
echo "godot_ai_editor: editor $editor, godot-ai $GODOT_AI"

# The server, as godot-ai finds a "system install": `godot-ai` on PATH.
venv=target/godot-ai-server
if [[ ! -x "$venv/bin/godot-ai" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "godot-ai==$SERVER_VERSION"
fi
export PATH="$(realpath "$venv/bin"):$PATH" GODOT_AI_ALLOW_HEADLESS=1

scratch="$(mktemp -d)"
stop_leftover_servers() {
    pkill -f "$(realpath "$venv")/bin/godot-ai" 2> /dev/null || true
}
trap 'stop_leftover_servers; rm -rf "$scratch"' EXIT
stop_leftover_servers
isolate_editor_home "$scratch/home"

project="$scratch/project"
mkdir -p "$project/addons" "$project/tests"
printf 'config_version=5\n\n[application]\n\nconfig/name="godot-ai next to McpUvCacheCleanup"\n' \
    > "$project/project.godot"
cp -R "$GODOT_AI" "$project/addons/godot_ai"
chmod -R u+w "$project/addons/godot_ai"
cp -R "$ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
cp godot_project/tests/{suite.gd,test_case.gd,fs_util.gd} tests/engine/godot_ai_editor/godot_ai_editor_tests.gd \
    "$project/tests/"
cp -R godot_project/tests/editor_runner "$project/tests/"

STAND_ASIDE_LINE="$(rust_line STAND_ASIDE_LINE rust/script_conflict.rs)"

# First the editor discovers everything (an import, with no plugin enabled).
JUDGE_ARGS=(--no-summary --allow-warning "$STAND_ASIDE_LINE")
run_editor_and_judge "godot_ai_editor: the import" "$editor" "$project" "$scratch/import.log" --import > /dev/null
printf '\n[editor_plugins]\n\nenabled=PackedStringArray("res://addons/godot_ai/plugin.cfg", "res://tests/editor_runner/plugin.cfg")\n' \
    >> "$project/project.godot"

# Runs one stage and judges its log; $2 is how many stand-aside lines it must show.
run_stage() {
    local stage="$1" want_lines="$2" log="$scratch/$1.log"
    echo "== stage $stage"
    JUDGE_ARGS=(--leaks-of res://addons/godot_ai/)
    ((want_lines == 0)) || JUDGE_ARGS+=(--allow-warning "$STAND_ASIDE_LINE")
    GODOT_EDITOR_FLAGS=--verbose run_editor_and_judge "godot_ai_editor: stage $stage" "$editor" "$project" "$log" \
        --editor --case=res://tests/godot_ai_editor_tests.gd "--stage=$stage"
    expect_line_count "$log" "$STAND_ASIDE_LINE" "$want_lines" "godot_ai_editor: stage $stage"
    if pgrep -f "$(realpath "$venv")/bin/godot-ai" > /dev/null; then
        echo "godot_ai_editor: stage $stage left godot-ai's server running" >&2
        exit 1
    fi
    echo "godot_ai_editor: stage $stage passed"
}

run_stage installed 1
# Our own editor plugin, enabled beside godot-ai in that stage, said which
# native path sweeps.
expect_line_count "$scratch/installed.log" "sweeping natively through McpUvCacheSweep" 1 \
    "godot_ai_editor: stage installed"
cp "$ADDON_SOURCE/integrations/godot_ai/uv_cache_cleanup.gd" \
    "$project/addons/godot_ai/utils/uv_cache_cleanup.gd"
run_stage adopted 0
run_stage toggled 0
echo "godot_ai_editor: all three stages passed"
