#!/usr/bin/env bash
# Leaves what a killed uv leaves: starts the real uv building a copy of
# tests/real_uv/slowpkg in the cache CACHE, offline, waits until its backend
# runs, then SIGKILLs uv and its backend, as a crash or a killed terminal
# does. Prints the names of the build dirs it left in CACHE/builds-v0, one a
# line; fails if it left none.
#
#   tests/real_uv/leave_killed_build.sh CACHE WORK    WORK: a scratch directory
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="$1" work="$2"
mkdir -p "$work"
source="$(mktemp -d "$work/slowpkg.XXXXXX")"
cp -R tests/real_uv/slowpkg/. "$source/"
UV_CACHE_DIR="$cache" UV_OFFLINE=1 UV_NO_CONFIG=1 UV_PYTHON_DOWNLOADS=never \
    MCP_UVCC_SLOW_BUILD_SEC=600 MCP_UVCC_SLOW_BUILD_MARKER="$source/building" setsid \
    uv build --no-index --wheel --out-dir "$source/out" "$source" > "$source/build.log" 2>&1 &
pid=$!
waited=0
until [[ -f "$source/building" ]]; do
    ((waited++ < 600)) || { echo "leave_killed_build: the build never started:" >&2; cat "$source/build.log" >&2; exit 1; }
    sleep 0.1
done
kill -KILL -- "-$(ps -o pgid= -p "$pid" | tr -d ' ')"
wait "$pid" 2> /dev/null || true
left="$(ls -A "$cache/builds-v0")"
[[ -n "$left" ]] || { echo "leave_killed_build: the killed uv left nothing in $cache/builds-v0" >&2; exit 1; }
echo "$left"
