#!/usr/bin/env bash
# Runs the in-engine suite (godot_project/tests/suite.tscn) against the native
# library when $GODOT names a Godot 4.2+ binary; prints one SKIPPED line
# otherwise. Expects the library built into addons/mcp_uv_cache_cleanup/bin/
# (scripts/build-addon.sh --no-demo). Extra arguments choose another scene,
# e.g. res://tests/bench.tscn.
set -euo pipefail
cd "$(dirname "$0")/.."

scene="${1:-res://tests/suite.tscn}"

if [[ -z "${GODOT:-}" ]]; then
    echo "SKIPPED: in-engine suite (set GODOT=/path/to/godot4 to run $scene)"
    exit 0
fi
if ! version="$("$GODOT" --headless --version 2>/dev/null | tail -n 1)"; then
    echo "godot_suite: GODOT=$GODOT does not run" >&2
    exit 1
fi
if ! [[ "$version" =~ ^4\.([0-9]+) ]] || (( BASH_REMATCH[1] < 2 )); then
    echo "godot_suite: GODOT=$GODOT is '$version', need Godot 4.2 or newer" >&2
    exit 1
fi
echo "godot_suite: Godot $version, scene $scene"

project=godot_project
# A fresh copy of the addon, so a fresh clone works and a stale one never
# hides a change.
rm -rf "$project/addons"
mkdir -p "$project/addons" "$project/.godot"
cp -R addons/mcp_uv_cache_cleanup "$project/addons/"
# Only the editor discovers .gdextension files; a template or headless
# runtime build loads the ones listed here.
echo "res://addons/mcp_uv_cache_cleanup/mcp_uv_cache_cleanup.gdextension" > "$project/.godot/extension_list.cfg"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
"$GODOT" --headless --path "$project" "$scene" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# A script that fails to parse (say, the extension did not load) makes Godot
# exit 0 without running anything: a run only counts with its summary line.
if ! summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)"; then
    echo "godot_suite: no 'N passed, N failed' line: the suite did not run (exit $status)" >&2
    exit 1
fi
if (( status != 0 )) || ! [[ "$summary" =~ ^[0-9]+\ passed,\ 0\ failed ]]; then
    echo "godot_suite: failed ($summary, exit $status)" >&2
    exit 1
fi
