# Sourced by the in-engine runners: where the engines are, how to lay out a
# project for an export template, and how to start one (under Wine for
# Windows). The engines are headless export templates; see
# ../shared/godot/README.md.

source scripts/windows/env.sh

SHARED_GODOT="${SHARED_GODOT:-../shared/godot}"
# A run that hangs (a sweep that never finishes) must not hang CI.
ENGINE_TIMEOUT_SEC="${ENGINE_TIMEOUT_SEC:-900}"

# Prints the engine binary for `linux` or `windows`, or prints one SKIPPED
# line and returns 1 when it (or what it needs) is not there.
engine_for() {
    local platform="$1" engine
    case "$platform" in
        linux)
            engine="${GODOT:-$SHARED_GODOT/linux/godot}"
            if [[ ! -x "$engine" ]]; then
                echo "SKIPPED: in-engine suite on Linux (set GODOT=/path/to/godot4, or provide $SHARED_GODOT/linux/godot)" >&2
                return 1
            fi
            ;;
        windows)
            engine="${GODOT_WINDOWS:-$SHARED_GODOT/windows/godot.exe}"
            if [[ ! -f "$engine" ]]; then
                echo "SKIPPED: in-engine suite on Windows (set GODOT_WINDOWS=/path/to/godot.exe, or provide $SHARED_GODOT/windows/godot.exe)" >&2
                return 1
            fi
            if ! require_windows_toolchain wine wine64 2> /dev/null; then
                echo "SKIPPED: in-engine suite on Windows (needs wine, wine64 and the Windows toolchain: see README, Windows)" >&2
                return 1
            fi
            if [[ ! -f addons/mcp_uv_cache_cleanup/bin/mcp_uv_cache_cleanup.dll ]]; then
                echo "SKIPPED: in-engine suite on Windows (no DLL: run scripts/build-windows.sh)" >&2
                return 1
            fi
            ;;
        *)
            echo "godot_engines: unknown platform '$platform' (linux or windows)" >&2
            exit 2
            ;;
    esac
    realpath "$engine"
}

# Lays out PROJECT as an editor would leave it, for a template: a fresh copy
# of the addon (a stale one must never hide a change), the extension list
# (only the editor discovers .gdextension files) and the global class cache
# (only the editor writes it).
prepare_project() {
    local project="$1"
    rm -rf "$project/addons/mcp_uv_cache_cleanup"
    mkdir -p "$project/addons" "$project/.godot"
    cp -R addons/mcp_uv_cache_cleanup "$project/addons/"
    echo "res://addons/mcp_uv_cache_cleanup/mcp_uv_cache_cleanup.gdextension" > "$project/.godot/extension_list.cfg"
    python3 tests/godot_class_cache.py "$project"
}

# Runs SCENE of PROJECT on the engine, printing and saving the output to LOG;
# any further arguments are user arguments (after `--`). Returns the
# engine's exit code (call it as `run_engine ... || status=$?`).
run_engine() {
    local platform="$1" engine="$2" project="$3" scene="$4" log="$5"
    shift 5
    if [[ "$platform" == windows ]]; then
        # The live-cache tests sweep this process's real %LOCALAPPDATA%: only
        # in a throwaway Wine prefix, which this variable vouches for.
        MCP_UVCC_THROWAWAY_PROFILE=1 timeout "$ENGINE_TIMEOUT_SEC" /usr/lib/wine/wine64 "$engine" \
            --headless --path "$(wine_path "$project")" "$scene" -- "$@" 2>&1 | tr -d '\r' | tee "$log"
    else
        timeout "$ENGINE_TIMEOUT_SEC" "$engine" --headless --path "$project" "$scene" -- "$@" 2>&1 | tee "$log"
    fi
    return "${PIPESTATUS[0]}"
}

# run_engine, then the verdict: exits 1 (naming the run as LABEL) unless
# tests/godot_log.py accepts the log and the engine exited 0.
#   run_and_judge LABEL PLATFORM ENGINE PROJECT SCENE LOG [USER ARGS...]
run_and_judge() {
    local label="$1" status=0
    shift
    run_engine "$@" || status=$?
    if ! python3 tests/godot_log.py "$5"; then
        echo "$label FAILED (exit $status)" >&2
        exit 1
    fi
    if ((status != 0)); then
        echo "$label exited $status" >&2
        exit 1
    fi
}
