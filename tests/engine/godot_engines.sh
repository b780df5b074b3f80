# shellcheck shell=bash
# Sourced by the in-engine runners: where the engines are, how to lay out a
# project for an export template, and how to start one (under Wine for
# Windows). The engines are headless export templates; see
# ../shared/godot/README.md.

source scripts/windows/env.sh
source scripts/library_names.sh

SHARED_GODOT="${SHARED_GODOT:-../shared/godot}"
# The addon every stage installs: the source tree's, or, when tests/run.sh
# built the release archive, that archive unpacked (what users get).
ADDON_SOURCE="${ADDON_SOURCE:-addons/mcp_uv_cache_cleanup}"
# A run that hangs (a sweep that never finishes) must not hang CI.
ENGINE_TIMEOUT_SEC="${ENGINE_TIMEOUT_SEC:-900}"

# Prints the engines to test on, one line each: PATH<TAB>VERSION<TAB>KIND<TAB>OS
# (KIND is template or editor, OS linux or windows), read from
# $SHARED_GODOT/engines.tsv, so an engine dropped there is picked up. GODOT
# (Linux) or GODOT_WINDOWS, when set, replaces that OS's engines with the one
# given. For every listed engine that is not there, or cannot run here, it
# prints one SKIPPED line (to stderr) instead.
engine_rows() {
    local table="$SHARED_GODOT/engines.tsv" path version kind os
    if [[ -n "${GODOT:-}" ]]; then
        engine_row "$GODOT" "$(engine_version "$GODOT")" "$(engine_kind "$GODOT")" linux
    fi
    if [[ -n "${GODOT_WINDOWS:-}" ]]; then
        engine_row "$GODOT_WINDOWS" "?" template windows
    fi
    if [[ ! -f "$table" ]]; then
        [[ -n "${GODOT:-}" ]] ||
            echo "SKIPPED: in-engine suites on Linux (no $table; set GODOT=/path/to/godot4)" >&2
        [[ -n "${GODOT_WINDOWS:-}" ]] ||
            echo "SKIPPED: in-engine suites on Windows (no $table; set GODOT_WINDOWS=/path/to/godot.exe)" >&2
        return 0
    fi
    while IFS=$'\t' read -r path version kind os _; do
        [[ "$path" == path || -z "$path" ]] && continue
        [[ "$os" == linux && -n "${GODOT:-}" ]] && continue
        [[ "$os" == windows && -n "${GODOT_WINDOWS:-}" ]] && continue
        engine_row "$SHARED_GODOT/$path" "$version" "$kind" "$os"
    done < "$table"
}

# Prints one engine_rows line for the engine at PATH, or one SKIPPED line.
engine_row() {
    local path="$1" version="$2" kind="$3" os="$4"
    local label="Godot $version $kind ($os, $path)"
    case "$os" in
        linux)
            if [[ ! -x "$path" ]]; then
                echo "SKIPPED: in-engine suites on $label: not found" >&2
                return 0
            fi
            ;;
        windows)
            if [[ ! -f "$path" ]]; then
                echo "SKIPPED: in-engine suites on $label: not found" >&2
                return 0
            fi
            if ! require_windows_toolchain "${WINE[@]}" 2> /dev/null; then
                echo "SKIPPED: in-engine suites on $label: needs wine, wine64 and the Windows toolchain (docs/platforms.md, Windows)" >&2
                return 0
            fi
            if [[ ! -f "$ADDON_SOURCE/bin/$(shipped_library_name windows-x86_64 template)" ]]; then
                echo "SKIPPED: in-engine suites on $label: no DLL (run scripts/build-libraries.sh windows-x86_64)" >&2
                return 0
            fi
            ;;
        *)
            echo "SKIPPED: in-engine suites on $label: unknown OS" >&2
            return 0
            ;;
    esac
    printf '%s\t%s\t%s\t%s\n' "$(realpath "$path")" "$version" "$kind" "$os"
}

# The version an engine reports (`--version`: 4.3.stable.official.77dcf97d8),
# as major.minor.
engine_version() {
    "$1" --headless --version 2> /dev/null | grep -o -m 1 '^[0-9]\+\.[0-9]\+' || echo "?"
}

# editor or template, from the engine's own feature list.
engine_kind() {
    if "$1" --help 2> /dev/null | grep -q -- '--editor'; then echo editor; else echo template; fi
}

# Prints the engine binary for `linux` or `windows` for a runner started by
# hand: $GODOT / $GODOT_WINDOWS, else the first engine of that OS in
# engines.tsv. Prints one SKIPPED line and returns 1 when there is none.
engine_for() {
    local platform="$1" path version kind os
    case "$platform" in
        linux | windows) ;;
        *)
            echo "godot_engines: unknown platform '$platform' (linux or windows)" >&2
            exit 2
            ;;
    esac
    while IFS=$'\t' read -r path version kind os; do
        if [[ "$os" == "$platform" ]]; then
            echo "$path"
            return 0
        fi
    done < <(engine_rows 2> /dev/null)
    echo "SKIPPED: in-engine suite on $platform (no engine: set GODOT or GODOT_WINDOWS, or provide $SHARED_GODOT/engines.tsv)" >&2
    return 1
}

# Lays out PROJECT as an editor would leave it, for a template: a fresh copy
# of the addon (a stale one must never hide a change), the extension list
# (only the editor discovers .gdextension files) and the global class cache
# (only the editor writes it).
prepare_project() {
    local project="$1"
    rm -rf "$project/addons/mcp_uv_cache_cleanup"
    mkdir -p "$project/addons" "$project/.godot"
    cp -R "$ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
    echo "res://addons/mcp_uv_cache_cleanup/mcp_uv_cache_cleanup.gdextension" > "$project/.godot/extension_list.cfg"
    python3 tests/engine/godot_class_cache.py "$project"
}

# Runs the Godot binary ENGINE with ARGS, printing and saving the output to
# LOG; a Windows .exe runs under Wine, in the prefix make_wine_prefix made.
# Returns the engine's exit code (call it as `run_godot ... || status=$?`).
run_godot() {
    local engine="$1" log="$2"
    shift 2
    if [[ "$engine" == *.exe ]]; then
        # The live-cache tests sweep this process's real %LOCALAPPDATA%: only
        # in a throwaway Wine prefix, which this variable vouches for.
        MCP_UVCC_THROWAWAY_PROFILE=1 timeout "$ENGINE_TIMEOUT_SEC" "$WINE_LOADER" "$engine" "$@" 2>&1 |
            tr -d '\r' | tee "$log"
        return "${PIPESTATUS[0]}"
    fi
    timeout "$ENGINE_TIMEOUT_SEC" "$engine" "$@" 2>&1 | tee "$log"
    return "${PIPESTATUS[0]}"
}

# PATH as ENGINE sees it: a Windows path (Z:\...) for a .exe under Wine.
engine_path() {
    if [[ "$1" == *.exe ]]; then
        wine_path "$2"
    else
        printf '%s\n' "$2"
    fi
}

# Runs SCENE of PROJECT on the engine, printing and saving the output to LOG;
# any further arguments are user arguments (after `--`). PLATFORM names the
# run; the engine's file name says whether it runs under Wine. Returns the
# engine's exit code (call it as `run_engine ... || status=$?`).
run_engine() {
    local engine="$2" project="$3" scene="$4" log="$5"
    shift 5
    run_godot "$engine" "$log" --headless --path "$(engine_path "$engine" "$project")" "$scene" -- "$@"
}

# Extra arguments for tests/engine/godot_log.py in judge_run, such as
# (--allow-warning PART) for a line printed before any test runs, or
# (--no-summary) for an import, which runs no test.
JUDGE_ARGS=()

# The verdict on a finished run, for templates and editors alike: exits 1
# (naming the run as LABEL) unless tests/engine/godot_log.py accepts LOG (with
# JUDGE_ARGS) and the run's exit code STATUS is 0.
judge_run() {
    local label="$1" log="$2" status="$3"
    if ! python3 tests/engine/godot_log.py "$log" "${JUDGE_ARGS[@]}"; then
        echo "$label FAILED (exit $status)" >&2
        exit 1
    fi
    if ((status != 0)); then
        echo "$label exited $status" >&2
        exit 1
    fi
}

# Runs COMMAND..., then judge_run LABEL LOG with its exit code.
judged() {
    local label="$1" log="$2" status=0
    shift 2
    "$@" || status=$?
    judge_run "$label" "$log" "$status"
}

# run_engine, then judge_run.
#   run_and_judge LABEL PLATFORM ENGINE PROJECT SCENE LOG [USER ARGS...]
run_and_judge() {
    judged "$1" "$6" run_engine "${@:2}"
}

# --- the editor ---------------------------------------------------------------

# Prints the editor binary: $GODOT_EDITOR, else the first editor of
# engines.tsv. Prints one SKIPPED line and returns 1 when there is none.
editor_engine() {
    local path version kind os
    if [[ -n "${GODOT_EDITOR:-}" ]]; then
        realpath "$GODOT_EDITOR"
        return 0
    fi
    while IFS=$'\t' read -r path version kind os; do
        if [[ "$kind" == editor && "$os" == linux ]]; then
            echo "$path"
            return 0
        fi
    done < <(GODOT='' engine_rows 2> /dev/null)
    echo "SKIPPED: editor stages (no editor: set GODOT_EDITOR, or list one in $SHARED_GODOT/engines.tsv)" >&2
    return 1
}

# Points the editor's settings, caches and user data at DIR, so each run
# starts as on a fresh machine and leaves nothing behind.
isolate_editor_home() {
    export XDG_CONFIG_HOME="$1/config" XDG_DATA_HOME="$1/data" XDG_CACHE_HOME="$1/cache"
    # uv's cache is then $XDG_CACHE_HOME/uv: nothing of the developer's.
    unset UV_CACHE_DIR UV_CONFIG_FILE UV_NO_CACHE UV_NO_CONFIG
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
}

# A copy of godot_project/ at DIR as a user would have it before the editor
# ever opened it: the addon, no .godot/ (no extension list, no class cache).
fresh_editor_project() {
    local project="$1"
    mkdir -p "$project"
    cp -R godot_project/. "$project/"
    rm -rf "$project/.godot" "$project/addons"
    mkdir -p "$project/addons"
    cp -R "$ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
}

# A project at DIR with the addon and nothing else of ours: no test script.
addon_only_project() {
    local project="$1"
    mkdir -p "$project/addons"
    cp godot_project/project.godot "$project/"
    cp -R "$ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
}

# A project at DIR with only the control extension (tests/engine/editor/),
# built into it.
fresh_control_project() {
    local project="$1"
    mkdir -p "$project/control"
    printf 'config_version=5\n\n[application]\n\nconfig/name="Control extension"\n' > "$project/project.godot"
    cc -shared -fPIC -O2 -o "$project/control/libcontrol.so" tests/engine/editor/control_extension.c
    printf '[configuration]\nentry_symbol = "control_init"\ncompatibility_minimum = 4.3\n\n[libraries]\nlinux.x86_64 = "res://control/libcontrol.so"\n' \
        > "$project/control/control.gdextension"
}

# Makes PLUGIN_CFG... (res:// paths) the editor plugins enabled in PROJECT's
# project.godot, replacing any [editor_plugins] section the editor wrote:
#   enable_editor_plugin PROJECT PLUGIN_CFG...
enable_editor_plugin() {
    local project="$1" list
    shift
    list="$(printf '"%s", ' "$@")"
    # The section runs to the next section's header, which stays.
    sed -i '/^\[editor_plugins\]/,/^\[/{/^\[editor_plugins\]/d;/^\[/!d}' "$project/project.godot"
    printf '\n[editor_plugins]\n\nenabled=PackedStringArray(%s)\n' "${list%, }" >> "$project/project.godot"
}

# Runs the editor headless on PROJECT with MODE (--import or --editor) (a
# Windows .exe under Wine), any
# further arguments after `--`, printing and saving the output to LOG.
# Returns the editor's exit code. $GODOT_EDITOR_FLAGS adds engine flags (for
# a look by hand: GODOT_EDITOR_FLAGS=--verbose names what leaks at exit).
run_editor() {
    local editor="$1" project="$2" log="$3" mode="$4"
    shift 4
    # shellcheck disable=SC2086 # word splitting wanted: a list of flags
    run_godot "$editor" "$log" --headless "$mode" ${GODOT_EDITOR_FLAGS:-} \
        --path "$(engine_path "$editor" "$project")" -- "$@"
}

# run_editor, then judge_run.
#   run_editor_and_judge LABEL EDITOR PROJECT LOG MODE [USER ARGS...]
run_editor_and_judge() {
    judged "$1" "$4" run_editor "${@:2}"
}

# Fails (naming WHAT, e.g. "godot_editor: stage discover") unless LOG has
# exactly COUNT lines containing TEXT.
expect_line_count() {
    local log="$1" text="$2" want="$3" what="$4" got
    got="$(grep -c -F "$text" "$log" || true)"
    if [[ "$got" != "$want" ]]; then
        echo "$what: $got line(s) with \"$text\", want $want" >&2
        exit 1
    fi
}

# The Godot versions whose editor was measured here with no crash at exit in
# a first import (the control extension of godot_editor_linux.sh: no crash in 8 of 8
# runs, on --import and --editor --quit; the 4.7 editor crashes on each). A
# fact of the engines, not read from rust/first_import.rs: the stages check
# the extension's rule (EXIT_CRASH_SINCE) against it.
NO_FIRST_IMPORT_CRASH=(4.3)

# Prints how many first-import lines (rust/startup.rs FIRST_IMPORT_LINE) an
# import-only run that discovers the extension shows on an editor of VERSION
# (major.minor, as engine_version prints it): 0 where it was measured without
# the crash, else 1 ("?" included), as the extension stands aside there.
first_import_lines() {
    if [[ " ${NO_FIRST_IMPORT_CRASH[*]} " == *" $1 "* ]]; then echo 0; else echo 1; fi
}

# Succeeds if VERSION (major.minor) is SINCE (major.minor) or newer.
version_at_least() {
    local major="${1%%.*}" minor="${1#*.}" since_major="${2%%.*}" since_minor="${2#*.}"
    ((major > since_major || (major == since_major && minor >= since_minor)))
}

# Prints the string constant NAME of the Rust file FILE (a one-line
# `pub const NAME: &str = "...";`, or `pub(crate) const`): the lines the
# stages wait for are written once, beside the Rust that prints them.
rust_line() {
    local name="$1" file="$2" value
    value="$(sed -n "s/^pub\(([a-z]*)\)\? const $name: &str = \"\(.*\)\";\$/\2/p" "$file")"
    if [[ -z "$value" ]]; then
        echo "rust_line: no one-line 'pub const $name: &str' in $file" >&2
        return 2
    fi
    printf '%s\n' "$value"
}
