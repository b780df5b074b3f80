#!/usr/bin/env bash
# Exported games: the addon is an editor tool, so a game exported from a
# project that has it installed carries none of its files by default, and
# starts with no line from it; the export option
# mcp_uv_cache_cleanup/include_in_export brings the runtime part back
# (addons/mcp_uv_cache_cleanup/editor/export_plugin.gd, hosted by the native
# McpUvCacheExportGuard, or by the addon's plugin in a first-import run).
#
#   tests/engine/godot_export.sh [EDITOR]   a Linux editor binary, else the
#       first Linux editor of the engine table (tests/engine/godot_engines.sh)
#
# The Linux editor exports tests/engine/export_project/ (a scene that lists
# what the export holds and sweeps through McpUvCacheCleanup when it is
# registered) with Godot's own command-line export, for Linux, Windows and
# Web (a platform we ship no library for), each once by default and once
# opted in:
#
# - --export-debug into a directory: the template, and the libraries Godot
#   copies beside it (none of ours by default; the platform's library of
#   ours when opted in);
# - --export-pack into a .zip: the game's files. A zip carries no pack
#   version, so the 4.3 and 4.6 templates run a 4.7 export (its .pck is
#   version 4, which they refuse).
#
# Each game then runs on every template of engines.tsv for its OS (Windows
# under Wine), the Linux default one also on the 4.7 editor from its .pck,
# and the Web ones on a Linux template. Every export and game log is
# judged (tests/engine/godot_log.py), and the editor's own extension list
# must be as it was after each export. One SKIPPED line without an editor,
# or a template for an OS.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/engine/godot_engines.sh

editor="$(pick_engine "${1:-linux}" editor "exported games")" || skip_or_fail $?
version="$(engine_version "$editor")"
echo "godot_export: editor $editor (Godot $version)"

mapfile -t linux_templates < <(engines_of linux template)
mapfile -t windows_templates < <(engines_of windows template)

scratch="$(mktemp -d)"
trap 'wine_cleanup 2> /dev/null || true; rm -rf "$scratch"' EXIT
isolate_editor_home "$scratch/home"
project="$scratch/project"
out="$scratch/out"
GDEXTENSION_PATH=res://addons/mcp_uv_cache_cleanup/mcp_uv_cache_cleanup.gdextension
NO_LIBRARY_LINE="has no library for this platform"
FIRST_IMPORT_LINE="$(rust_line FIRST_IMPORT_LINE rust/startup.rs)"
# The first-import lines of an import-only run on this editor: none where
# Godot has no crash at exit there (rust/first_import.rs), and the extension
# registers its classes as in any run.
first_import_lines="$(first_import_lines "$version")"

fail() {
    echo "godot_export: $*" >&2
    exit 1
}

# The project as a user has it: the addon installed, its plugin not enabled
# (the native McpUvCacheExportGuard hosts the export plugin in every editor).
cp -R tests/engine/export_project "$project"
mkdir -p "$project/addons"
cp -R "$MCP_UVCC_ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"

# Appends preset number INDEX, named NAME, for PLATFORM (Godot's name) to
# export_presets.cfg: every resource, scripts as text (a 4.7 editor's binary
# scripts are too recent for older templates), with TEMPLATE as the custom
# template and INCLUDE as our option (unset: no line, as in a preset made
# before the addon was installed).
add_preset() {
    local index="$1" name="$2" platform="$3" template="$4" include="$5"
    cat >> "$project/export_presets.cfg" << EOF
[preset.$index]

name="$name"
platform="$platform"
runnable=false
custom_features=""
export_filter="all_resources"
include_filter=""
exclude_filter=""
export_path=""
script_export_mode=0

[preset.$index.options]

custom_template/debug="$template"
custom_template/release="$template"
binary_format/embed_pck=false
binary_format/architecture="x86_64"
application/modify_resources=false
EOF
    [[ "$include" == unset ]] || echo "mcp_uv_cache_cleanup/include_in_export=$include" >> "$project/export_presets.cfg"
    echo >> "$project/export_presets.cfg"
}

linux_template="${linux_templates[0]:-$editor}"
add_preset 0 linux-default Linux "$linux_template" unset
add_preset 1 linux-opt-in Linux "$linux_template" true
add_preset 2 web-default Web "" false
add_preset 3 web-opt-in Web "" true
if ((${#windows_templates[@]})); then
    add_preset 4 windows-default "Windows Desktop" "$(realpath "${windows_templates[0]}")" false
    add_preset 5 windows-opt-in "Windows Desktop" "$(realpath "${windows_templates[0]}")" true
fi

# A copy before any import, for the fresh-checkout export below, with the
# plugin enabled: in that run the native classes are not registered, and the
# plugin hosts the export plugin.
fresh="$scratch/fresh"
cp -R "$project" "$fresh"
enable_editor_plugin "$fresh" res://addons/mcp_uv_cache_cleanup/plugin.cfg

echo "== import"
judged "godot_export: import" "$scratch/import.log" --no-summary -- \
    run_editor "$editor" "$scratch/import.log" "$project" --import
expect_line_count "$scratch/import.log" "$FIRST_IMPORT_LINE" "$first_import_lines" "godot_export: import"
editor_extension_list="$(cat "$project/.godot/extension_list.cfg")"
[[ "$editor_extension_list" == *"$GDEXTENSION_PATH"* ]] || fail "the editor did not list the extension"

# Exports preset NAME with MODE (--export-debug or --export-pack) to TARGET,
# judged, and checks the editor's extension list is as it was.
export_preset() {
    local name="$1" mode="$2" target="$3"
    local log="$scratch/export-$name$mode.log"
    mkdir -p "$(dirname "$target")"
    judged "godot_export: $mode $name" "$log" --no-summary -- run_editor "$editor" "$log" "$project" "$mode" "$name" "$target"
    [[ -f "$target" ]] || fail "$mode $name wrote no $target"
    [[ "$(cat "$project/.godot/extension_list.cfg")" == "$editor_extension_list" ]] ||
        fail "after $mode $name the editor's extension list is not as it was"
    local ours
    ours="$(grep -c -F "$NO_LIBRARY_LINE" "$log" || true)"
    if [[ "$name" == web-opt-in ]]; then
        [[ "$ours" == 1 ]] || fail "$mode $name: $ours line(s) saying there is no library, want 1"
    elif [[ "$ours" != 0 ]]; then
        fail "$mode $name says there is no library"
    fi
}

# The libraries of ours in export directory DIR, one file name a line.
our_libraries() {
    find "$1" -maxdepth 1 -type f -name '*mcp_uv_cache_cleanup*' -printf '%f\n' | sort
}

# Runs the exported game: ENGINE (a copy placed beside the export, as a
# player would start it, or a Windows .exe under Wine) with PACK, saving the
# output to LOG; judged.
run_game() {
    local label="$1" engine="$2" pack="$3" log="$4"
    judged "godot_export: $label" "$log" --no-summary -- \
        run_godot "$engine" "$log" --headless --main-pack "$(engine_path "$engine" "$pack")"
}

# The value of the game's line "GAME KEY=..." in LOG; fails if there is
# not exactly one.
game_value() {
    local log="$1" key="$2" lines
    lines="$(grep "^GAME $key=" "$log" || true)"
    [[ "$(printf '%s' "$lines" | grep -c '^')" == 1 ]] || fail "$log: want one 'GAME $key=' line, got: $lines"
    printf '%s\n' "${lines#GAME "$key"=}"
}

# Checks the game's LOG for an export that left the addon out (default).
expect_left_out() {
    local label="$1" log="$2"
    [[ -z "$(game_value "$log" addon_files)" ]] || fail "$label: the export has addon files: $(game_value "$log" addon_files)"
    [[ -z "$(game_value "$log" extension_list)" ]] || fail "$label: the game's extension list names $(game_value "$log" extension_list)"
    [[ "$(game_value "$log" class_registered)" == false ]] || fail "$label: McpUvCacheCleanup is registered"
    if grep -v '^GAME ' "$log" | grep -i -q 'mcp_uv_cache_cleanup\|McpUvCache\|godot-rust'; then
        fail "$label: a line from the addon: $(grep -v '^GAME ' "$log" | grep -i 'mcp_uv_cache_cleanup\|McpUvCache\|godot-rust')"
    fi
    echo "godot_export: $label: nothing of the addon, no line from it"
}

# Checks the game's LOG for an export that opted in.
expect_included() {
    local label="$1" log="$2" files
    files="$(game_value "$log" addon_files)"
    [[ ",$files," == *",$GDEXTENSION_PATH,"* ]] || fail "$label: no .gdextension in the export: $files"
    [[ "$files" != *"/editor/"* && "$files" != *"plugin.cfg"* ]] || fail "$label: the editor-only files are in the export: $files"
    [[ "$(game_value "$log" extension_list)" == "$GDEXTENSION_PATH" ]] ||
        fail "$label: the game's extension list is $(game_value "$log" extension_list)"
    [[ "$(game_value "$log" class_registered)" == true ]] || fail "$label: McpUvCacheCleanup is not registered"
    [[ "$(game_value "$log" sweep)" == "1,1,0,gone=true" ]] ||
        fail "$label: the sweep in the game reported $(game_value "$log" sweep), want 1 scanned, 1 deleted, 0 remaining"
    echo "godot_export: $label: the class is registered and sweeps"
}

# Exports the desktop presets of OS (linux or windows), binary EXT, and runs
# them on TEMPLATES.
export_desktop() {
    local os="$1" ext="$2" platform
    shift 2
    platform="$os-x86_64"
    for choice in default opt-in; do
        local name="$os-$choice" dir="$out/$os-$choice" libraries want=""
        echo "== export $name"
        export_preset "$name" --export-debug "$dir/game.$ext"
        export_preset "$name" --export-pack "$dir/game.zip"
        libraries="$(our_libraries "$dir")"
        [[ "$choice" == opt-in ]] && want="$(shipped_library_name "$platform")"
        [[ "$libraries" == "$want" ]] || fail "$name: libraries of ours beside the game: '$libraries', want '$want'"
        local template
        for template in "$@"; do
            local engine_name copy
            engine_name="$(basename "$template")"
            copy="$dir/game-$engine_name"
            cp "$template" "$copy"
            run_game "$name on $engine_name" "$copy" "$dir/game.zip" "$dir/$engine_name.log"
            if [[ "$choice" == default ]]; then
                expect_left_out "$name on $engine_name" "$dir/$engine_name.log"
            else
                expect_included "$name on $engine_name" "$dir/$engine_name.log"
            fi
            rm -f "$copy"
        done
    done
}

# A CI job exports a fresh checkout: the editor imports it first, in the same
# run. Where the extension registers no class in such a run
# (rust/first_import.rs: Godot 4.4 on), the addon's plugin hosts the export
# plugin; elsewhere the native guard does, as in any run.
echo "== export a fresh checkout, import and export in one run"
mkdir -p "$out/fresh"
judged "godot_export: fresh checkout" "$scratch/fresh.log" --no-summary -- \
    run_editor "$editor" "$scratch/fresh.log" "$fresh" --export-pack linux-default "$out/fresh/game.zip"
expect_line_count "$scratch/fresh.log" "$FIRST_IMPORT_LINE" "$first_import_lines" "godot_export: fresh checkout"
grep -qx "$GDEXTENSION_PATH" "$fresh/.godot/extension_list.cfg" ||
    fail "fresh checkout: the editor's extension list does not name the extension after the export"
fresh_runner="${linux_templates[0]:-$editor}"
run_game "fresh checkout on $(basename "$fresh_runner")" "$fresh_runner" "$out/fresh/game.zip" "$scratch/fresh-game.log"
expect_left_out "fresh checkout" "$scratch/fresh-game.log"

if ((${#linux_templates[@]})); then
    export_desktop linux x86_64 "${linux_templates[@]}"
else
    echo "SKIPPED: exported Linux games on a template (no Linux template in engines.tsv)"
    export_preset linux-default --export-debug "$out/linux-default/game.x86_64"
fi
echo "== linux-default on the Godot $version editor, from its .pck"
run_game "linux-default on the editor" "$editor" "$out/linux-default/game.pck" "$scratch/editor-game.log"
expect_left_out "linux-default on the editor" "$scratch/editor-game.log"

for choice in default opt-in; do
    echo "== export web-$choice (no library of ours for Web)"
    export_preset "web-$choice" --export-pack "$out/web-$choice/game.zip"
    runner="${linux_templates[0]:-$editor}"
    run_game "web-$choice on $(basename "$runner")" "$runner" "$out/web-$choice/game.zip" "$out/web-$choice/game.log"
    expect_left_out "web-$choice" "$out/web-$choice/game.log"
done

if ((${#windows_templates[@]})) && [[ -x "$MCP_UVCC_WINE_LOADER" ]]; then
    make_wine_prefix "$scratch/prefix"
    export_desktop windows exe "${windows_templates[@]}"
else
    echo "SKIPPED: exported Windows games (no Windows template in engines.tsv, or no Wine)"
fi
echo "godot_export: passed"
