#!/usr/bin/env bash
# Our addon next to the real godot-ai plugin (../shared/godot-ai, unmodified),
# enabled, in a real Godot editor: three stages, each a fresh editor start
# (tests/engine/godot_ai_editor/godot_ai_editor_tests.gd says what each checks).
#
#   tests/engine/godot_ai_editor.sh [EDITOR]   a Linux editor binary, else the
#       first Linux editor of the engine table (tests/engine/godot_engines.sh);
#       godot-ai from $MCP_UVCC_GODOT_AI, else ../shared/godot-ai/addons/godot_ai
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
# godot-ai 2.4.2 says "Godot 4.3+", but eight of its scripts use Godot 4.5's
# API (the Logger class, Engine.capture_script_backtraces), plugin.gd among
# them: in an older editor they fail to compile, so its plugin cannot run.
# There those eight are named once as godot-ai's own (godot_log.py
# --foreign-script), its plugin stays disabled, and the stages check our
# side: the stand-aside, our classes and plugin beside it, and its adopted
# file sweeping natively; toggled, which needs its plugin, says why it
# cannot run.
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

SERVER_VERSION=2.4.2
editor="$(pick_engine "${1:-linux}" editor "the godot-ai editor stages")" || skip_or_fail $?
if [[ ! -f "$MCP_UVCC_GODOT_AI/plugin.gd" ]]; then
    echo "SKIPPED: godot-ai editor stages (no godot-ai plugin at $MCP_UVCC_GODOT_AI)"
    exit 0
fi
version="$(engine_version "$editor")"
echo "godot_ai_editor: editor $editor (Godot $version), godot-ai $MCP_UVCC_GODOT_AI"

# godot-ai 2.4.2's scripts that need Godot 4.5 (see above), under addons/godot_ai/.
GODOT_AI_4_5_SCRIPTS=(dispatcher.gd plugin.gd handlers/batch_handler.gd handlers/editor_handler.gd
    handlers/project_handler.gd handlers/script_handler.gd runtime/editor_logger.gd runtime/game_logger.gd)
foreign_scripts=()
godot_ai_plugin=enabled
if ! version_at_least "$version" 4.5; then
    godot_ai_plugin=uncompilable
    for script in "${GODOT_AI_4_5_SCRIPTS[@]}"; do
        foreign_scripts+=("res://addons/godot_ai/$script")
    done
    echo "godot_ai_editor: godot-ai 2.4.2's plugin.gd needs Godot 4.5, so in Godot $version its plugin stays" \
        "disabled and its 4.5-only scripts' errors are its own: ${GODOT_AI_4_5_SCRIPTS[*]}"
fi
foreign_args=()
for script in "${foreign_scripts[@]}"; do
    foreign_args+=(--foreign-script "$script")
done
# The test case skips loading the scripts named here (they would log their
# errors again).
IFS=, stage_args=("--godot-ai-plugin=$godot_ai_plugin" "--foreign-scripts=${foreign_scripts[*]}")
unset IFS

# The server, as godot-ai finds a "system install": `godot-ai` on PATH.
venv=target/godot-ai-server
if [[ ! -x "$venv/bin/godot-ai" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "godot-ai==$SERVER_VERSION"
fi
venv_bin="$(realpath "$venv/bin")"
export PATH="$venv_bin:$PATH" GODOT_AI_ALLOW_HEADLESS=1

scratch="$(mktemp -d)"
stop_leftover_servers() {
    pkill -f "$(realpath "$venv")/bin/godot-ai" 2> /dev/null || true
}
trap 'stop_leftover_servers; rm -rf "$scratch"' EXIT
stop_leftover_servers
isolate_editor_home "$scratch/home"

project="$scratch/project"
mkdir -p "$project/addons"
printf 'config_version=5\n\n[application]\n\nconfig/name="godot-ai next to McpUvCacheCleanup"\n' \
    > "$project/project.godot"
cp -R "$MCP_UVCC_GODOT_AI" "$project/addons/godot_ai"
chmod -R u+w "$project/addons/godot_ai"
cp -R "$MCP_UVCC_ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
copy_test_harness "$project" tests/engine/godot_ai_editor/godot_ai_editor_tests.gd

STAND_ASIDE_LINE="$(rust_line STAND_ASIDE_LINE rust/script_conflict.rs)"

# First the editor discovers everything (an import, with no plugin enabled).
judged "godot_ai_editor: the import" "$scratch/import.log" --no-summary --allow-warning "$STAND_ASIDE_LINE" \
    "${foreign_args[@]}" -- run_editor "$editor" "$scratch/import.log" "$project" --import > /dev/null
if ((${#foreign_args[@]})); then
    # The allowance is what accepts that log: without it, it is rejected.
    python3 tests/engine/godot_log.py "$scratch/import.log" --no-summary --allow-warning "$STAND_ASIDE_LINE" \
        --expect-failure "res://addons/godot_ai/"
fi
if [[ "$godot_ai_plugin" == enabled ]]; then
    enable_editor_plugin "$project" res://addons/godot_ai/plugin.cfg res://tests/editor_runner/plugin.cfg
else
    enable_editor_plugin "$project" res://tests/editor_runner/plugin.cfg
fi

# Runs one stage and judges its log; $2 is how many stand-aside lines it must show.
run_stage() {
    local stage="$1" want_lines="$2" log="$scratch/$1.log"
    local options=(--leaks-of res://addons/godot_ai/ "${foreign_args[@]}")
    echo "== stage $stage"
    ((want_lines == 0)) || options+=(--allow-warning "$STAND_ASIDE_LINE")
    judged "godot_ai_editor: stage $stage" "$log" "${options[@]}" -- run_editor "$editor" "$log" "$project" \
        --editor --verbose -- --case=res://tests/godot_ai_editor_tests.gd "--stage=$stage" "${stage_args[@]}"
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
cp "$MCP_UVCC_ADDON_SOURCE/integrations/godot_ai/uv_cache_cleanup.gd" \
    "$project/addons/godot_ai/utils/uv_cache_cleanup.gd"
run_stage adopted 0
if [[ "$godot_ai_plugin" == enabled ]]; then
    run_stage toggled 0
    echo "godot_ai_editor: all three stages passed"
else
    echo "godot_ai_editor: stage toggled not run: it disables and enables godot-ai's plugin, which does not" \
        "compile in Godot $version"
    echo "godot_ai_editor: stages installed and adopted passed"
fi
