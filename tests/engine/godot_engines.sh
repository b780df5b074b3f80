# shellcheck shell=bash
# Sourced by the in-engine runners: where the engines are, how to lay out a
# project for an export template, and how to start one (under Wine for
# Windows). The engines are headless export templates; see
# ../shared/godot/README.md.

source scripts/windows/env.sh
source scripts/library_names.sh

# The engine table: one engine a line, PATH<TAB>VERSION<TAB>KIND<TAB>OS
# (KIND template or editor, OS linux or windows, PATH relative to the table),
# after a header line. Another table (one engine of your own, say) replaces it.
MCP_UVCC_ENGINES="${MCP_UVCC_ENGINES:-../shared/godot/engines.tsv}"
# The addon every stage installs: the source tree's, or, when tests/run.sh
# built the release archive, that archive unpacked (what users get).
MCP_UVCC_ADDON_SOURCE="${MCP_UVCC_ADDON_SOURCE:-addons/mcp_uv_cache_cleanup}"
# A run that hangs (a sweep that never finishes) must not hang CI.
MCP_UVCC_ENGINE_TIMEOUT_SEC="${MCP_UVCC_ENGINE_TIMEOUT_SEC:-900}"
# The real godot-ai plugin the coexistence and editor stages install.
MCP_UVCC_GODOT_AI="${MCP_UVCC_GODOT_AI:-../shared/godot-ai/addons/godot_ai}"

# Prints the engines of the table that can run here, one line each:
# PATH<TAB>VERSION<TAB>KIND<TAB>OS, PATH absolute. For every listed engine
# that is not there, or cannot run here, it prints one SKIPPED line (to
# stderr) instead.
engine_rows() {
    local table="$MCP_UVCC_ENGINES" path version kind os
    if [[ ! -f "$table" ]]; then
        echo "SKIPPED: in-engine stages on Linux (no engine table $table; set MCP_UVCC_ENGINES, docs/developing.md)" >&2
        echo "SKIPPED: in-engine stages on Windows (no engine table $table; set MCP_UVCC_ENGINES, docs/developing.md)" >&2
        return 0
    fi
    while IFS=$'\t' read -r path version kind os _; do
        [[ "$path" == path || -z "$path" ]] && continue
        engine_row "$(dirname "$table")/$path" "$version" "$kind" "$os"
    done < "$table"
}

# Prints one engine_rows line for the engine at PATH, or one SKIPPED line.
engine_row() {
    local path="$1" version="$2" kind="$3" os="$4"
    local label="Godot $version $kind ($os, $path)"
    case "$os" in
        linux)
            if [[ ! -x "$path" ]]; then
                echo "SKIPPED: in-engine stages on $label: not found" >&2
                return 0
            fi
            ;;
        windows)
            if [[ ! -f "$path" ]]; then
                echo "SKIPPED: in-engine stages on $label: not found" >&2
                return 0
            fi
            if ! require_windows_toolchain "${WINE[@]}" 2> /dev/null; then
                echo "SKIPPED: in-engine stages on $label: needs wine, wine64 and the Windows toolchain (docs/platforms.md, Windows)" >&2
                return 0
            fi
            if [[ ! -f "$MCP_UVCC_ADDON_SOURCE/bin/$(shipped_library_name windows-x86_64)" ]]; then
                echo "SKIPPED: in-engine stages on $label: no DLL (run scripts/build-libraries.sh windows-x86_64)" >&2
                return 0
            fi
            ;;
        *)
            echo "SKIPPED: in-engine stages on $label: unknown OS" >&2
            return 0
            ;;
    esac
    printf '%s\t%s\t%s\t%s\n' "$(realpath "$path")" "$version" "$kind" "$os"
}

# The one engine picker. Prints every engine of engine_rows whose OS is OS
# (linux or windows) and whose kind is KIND (template, editor or any), one
# path a line, in the table's order; nothing when there is none.
engines_of() {
    local want_os="$1" want_kind="$2" path version kind os
    while IFS=$'\t' read -r path version kind os; do
        [[ "$os" == "$want_os" ]] || continue
        [[ "$want_kind" == any || "$kind" == "$want_kind" ]] || continue
        echo "$path"
    done < <(engine_rows 2> /dev/null)
}

# Prints the engine a runner was given: ENGINE itself when it is a path, or
# the first engine of OS ENGINE (linux or windows) and KIND (engines_of).
# When there is none, prints one SKIPPED line naming WHAT and returns 1; a
# path that is not there returns 2 (skip_or_fail ends the runner so):
#   engine="$(pick_engine "${1:-linux}" editor "the editor stages")" || skip_or_fail $?
pick_engine() {
    local engine="$1" kind="$2" what="$3"
    case "$engine" in
        linux | windows)
            local found
            # All of them, then the first: `| head` could end the loop early
            # with SIGPIPE, which pipefail turns into a failure.
            mapfile -t found < <(engines_of "$engine" "$kind")
            if ((${#found[@]} == 0)); then
                local described="$kind engine"
                [[ "$kind" == any ]] && described=engine
                echo "SKIPPED: $what on $engine (no $described for $engine in $MCP_UVCC_ENGINES, or it cannot run here)" >&2
                return 1
            fi
            echo "${found[0]}"
            ;;
        *)
            if [[ ! -f "$engine" ]]; then
                echo "pick_engine: no engine at $engine (give a path, linux or windows)" >&2
                return 2
            fi
            realpath "$engine"
            ;;
    esac
}

# Ends a runner after pick_engine failed with STATUS: 0 (skipped) when it
# found no engine (1), else STATUS.
skip_or_fail() {
    (($1 == 1)) && exit 0
    exit "$1"
}

# windows for a Windows engine (a .exe, run under Wine), else linux.
engine_os() {
    if [[ "$1" == *.exe ]]; then echo windows; else echo linux; fi
}

# The version an engine reports (`--version`: 4.3.stable.official.77dcf97d8),
# as major.minor.
engine_version() {
    "$1" --headless --version 2> /dev/null | grep -o -m 1 '^[0-9]\+\.[0-9]\+' || echo "?"
}

# Lays out PROJECT as an editor would leave it, for a template: a fresh copy
# of the addon (a stale one must never hide a change), the extension list
# (only the editor discovers .gdextension files) and the global class cache
# (only the editor writes it).
prepare_project() {
    local project="$1"
    rm -rf "$project/addons/mcp_uv_cache_cleanup"
    mkdir -p "$project/addons" "$project/.godot"
    cp -R "$MCP_UVCC_ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
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
        MCP_UVCC_THROWAWAY_PROFILE=1 timeout "$MCP_UVCC_ENGINE_TIMEOUT_SEC" "$MCP_UVCC_WINE_LOADER" "$engine" "$@" 2>&1 |
            tr -d '\r' | tee "$log"
        return "${PIPESTATUS[0]}"
    fi
    timeout "$MCP_UVCC_ENGINE_TIMEOUT_SEC" "$engine" "$@" 2>&1 | tee "$log"
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

# Every runner below takes ENGINE LOG PROJECT first, prints the output and
# saves it to LOG, and returns the engine's exit code (call it as
# `run_scene ... || status=$?`, or through judged).

# Runs SCENE of PROJECT on ENGINE; any further arguments are user arguments
# (after `--`).
#   run_scene ENGINE LOG PROJECT SCENE [USER ARG...]
run_scene() {
    local engine="$1" log="$2" project="$3" scene="$4"
    shift 4
    run_godot "$engine" "$log" --headless --path "$(engine_path "$engine" "$project")" "$scene" -- "$@"
}

# The verdict on a finished run, for templates and editors alike: exits 1
# (naming the run as LABEL) unless tests/engine/godot_log.py accepts LOG with
# the OPTIONs given (such as --no-summary for an import, which runs no test,
# or --allow-warning PART for a line printed before any test runs) and the
# run's exit code STATUS is 0.
#   judge_log LABEL LOG STATUS [OPTION...]
judge_log() {
    local label="$1" log="$2" status="$3"
    shift 3
    if ! python3 tests/engine/godot_log.py "$log" "$@"; then
        echo "$label FAILED (exit $status)" >&2
        exit 1
    fi
    if ((status != 0)); then
        echo "$label exited $status" >&2
        exit 1
    fi
}

# Runs COMMAND... (a runner above), then judge_log with its exit code.
#   judged LABEL LOG [OPTION...] -- COMMAND...
judged() {
    local label="$1" log="$2" status=0 options=()
    shift 2
    while (($#)) && [[ "$1" != -- ]]; do
        options+=("$1")
        shift
    done
    if [[ "${1:-}" != -- ]]; then
        echo "judged: no '--' before the command ($label)" >&2
        exit 2
    fi
    shift
    "$@" || status=$?
    judge_log "$label" "$log" "$status" "${options[@]}"
}

# --- the editor ---------------------------------------------------------------

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
    cp -R "$MCP_UVCC_ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
}

# A project at DIR with the addon and nothing else of ours: no test script.
addon_only_project() {
    local project="$1"
    mkdir -p "$project/addons"
    cp godot_project/project.godot "$project/"
    cp -R "$MCP_UVCC_ADDON_SOURCE" "$project/addons/mcp_uv_cache_cleanup"
}

# Copies the in-engine test harness into PROJECT/tests/: the runner scene
# (suite.tscn, suite.gd), the test case base and its file helpers, and the
# editor runner plugin (tests/editor_runner/), with any further FILEs.
#   copy_test_harness PROJECT [FILE...]
copy_test_harness() {
    local project="$1"
    shift
    mkdir -p "$project/tests"
    cp godot_project/tests/{suite.gd,suite.tscn,test_case.gd,fs_util.gd} "$@" "$project/tests/"
    cp -R godot_project/tests/editor_runner "$project/tests/"
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

# Runs the editor on PROJECT with FLAGs (--import or --editor, and any
# other engine flag; user arguments after `--`). $MCP_UVCC_EDITOR_FLAGS adds
# engine flags for a look by hand (MCP_UVCC_EDITOR_FLAGS=--verbose names
# what leaks at exit).
#   run_editor ENGINE LOG PROJECT FLAG... [-- USER ARG...]
run_editor() {
    local engine="$1" log="$2" project="$3"
    shift 3
    # shellcheck disable=SC2086 # word splitting wanted: a list of flags
    run_godot "$engine" "$log" --headless ${MCP_UVCC_EDITOR_FLAGS:-} \
        --path "$(engine_path "$engine" "$project")" "$@"
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
