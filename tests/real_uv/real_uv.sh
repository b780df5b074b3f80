#!/usr/bin/env bash
# The sweep beside the real uv (from PyPI), offline, in a private cache:
#
# 1. A uv killed mid-build (SIGKILL to it and its build backend) leaves its
#    .tmp* build venv behind, as a crash does.
# 2. Three builds of local packages (tests/real_uv/slowpkg, a build backend
#    that sleeps MCP_UVCC_REAL_UV_BUILD_SEC, default 45) run well past the hook's
#    min_age_sec of 30 s; once each has run ~35 s, the Linux engine sweeps the
#    cache through every entry point (godot_project/tests/real_uv_tests.gd:
#    the drop-in purge_directory, the hook in both modes, godot-ai's
#    uv_cache_cleanup.gd as adopted). The killed uv's dirs go; the running
#    builds' dirs stay untouched, and the hook's Output line says why.
#    Then a build held between its steps (its build requirement, slowdep,
#    being built: no process names its venv, only uv's shard lock shows the
#    build) is swept at min_age_sec 0: nothing of it is touched. So is a
#    uvx installing into the tool environment it made in builds-v0 (its wheel
#    download held back by a loopback index, tests/real_uv/stalling_index.py):
#    only uv's lock on the cached environment shows it.
# 3. Every build succeeds and its wheel is there; then uv's cache still works:
#    `uv cache prune`, a fresh build, `uv cache clean`.
#
#   tests/real_uv/real_uv.sh        needs uv on PATH (pip install uv) and a Linux engine
#
# Prints one SKIPPED line without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/engine/godot_engines.sh

if ! command -v uv > /dev/null; then
    echo "SKIPPED: the real-uv stage (no uv on PATH: pip install uv)"
    exit 0
fi
engine="$(pick_engine linux any "the real-uv stage")" || skip_or_fail $?
build_sec="${MCP_UVCC_REAL_UV_BUILD_SEC:-45}"
# When the sweeps run: past the hook's min_age_sec (30 s), before the builds end.
sweep_after_sec=35
echo "real_uv: $(uv --version), engine $engine, builds of ${build_sec} s"

scratch="$(mktemp -d)"
cleanup() {
    # Whatever still runs of ours (a failed run's builds) goes with the scratch dir.
    pkill -KILL -f "$scratch/" 2> /dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
export UV_CACHE_DIR="$scratch/cache" UV_OFFLINE=1 UV_NO_CONFIG=1 UV_PYTHON_DOWNLOADS=never
root="$UV_CACHE_DIR/builds-v0"

# Starts a build of its own copy of slowpkg (each its own source, so uv does
# not serialise them on one lock) in the background, in a process group of
# its own; sets started_pid (not printed: a job started in $(...) would
# belong to that subshell, and `wait` could not see it).
start_build() {
    local name="$1" seconds="$2"
    cp -R tests/real_uv/slowpkg "$scratch/src-$name"
    MCP_UVCC_SLOW_BUILD_SEC="$seconds" MCP_UVCC_SLOW_BUILD_MARKER="$scratch/building-$name" setsid \
        uv build --no-index --wheel --out-dir "$scratch/out-$name" "$scratch/src-$name" \
        > "$scratch/build-$name.log" 2>&1 &
    started_pid=$!
}

# Waits (up to 60 s) until FILE exists; else prints WHAT and LOG, and exits.
wait_for() {
    local file="$1" what="$2" log="$3" waited=0
    until [[ -f "$file" ]]; do
        ((waited++ < 600)) || { echo "real_uv: $what:" >&2; cat "$log" >&2; exit 1; }
        sleep 0.1
    done
}

# Waits until build NAME's backend runs build_wheel.
wait_building() {
    wait_for "$scratch/building-$1" "build $1 never started" "$scratch/build-$1.log"
}

# Runs real_uv_tests.gd's cases in the engine, logged to LOG, with the
# environment's NAME=VALUE assignments that enable one of them: fails unless
# that one passed and the other two were skipped. judged exits, so a subshell.
run_uv_case() {
    local label="$1" log="$2"
    shift 2
    (
        # shellcheck disable=SC2163 # NAME=VALUE assignments, exported as given
        export "$@"
        judged "real_uv: $label" "$log" -- run_scene "$engine" "$log" godot_project \
            res://tests/suite.tscn --case=res://tests/real_uv_tests.gd
    ) || return 1
    grep -qx '1 passed, 0 failed, 2 skipped' "$log" || { echo "real_uv: the $label case did not pass (or was skipped)" >&2; return 1; }
}

# Waits for build NAME, started as PID, and sets failed=1 unless it exited 0
# with its wheel there.
check_build() {
    local name="$1" pid="$2" status=0
    wait "$pid" || status=$?
    if ((status != 0)) || [[ ! -f "$scratch/out-$name/slowpkg-0.1.0-py3-none-any.whl" ]]; then
        echo "real_uv: build $name FAILED (exit $status):" >&2
        cat "$scratch/build-$name.log" >&2
        failed=1
    fi
}

echo "== a uv killed mid-build"
mapfile -t killed < <(tests/real_uv/leave_killed_build.sh "$UV_CACHE_DIR" "$scratch/killed")
((${#killed[@]} >= 1)) || { echo "real_uv: the killed build left no build dir" >&2; exit 1; }
echo "real_uv: the killed uv left ${killed[*]}"

echo "== three builds of ${build_sec} s, swept after ${sweep_after_sec} s"
builds=(one two three)
declare -A build_pids
for name in "${builds[@]}"; do
    start_build "$name" "$build_sec"
    build_pids[$name]="$started_pid"
done
for name in "${builds[@]}"; do
    wait_building "$name"
done
sleep "$sweep_after_sec"
prepare_project godot_project
killed_list="$(IFS=,; echo "${killed[*]}")"
# The builds are checked whatever the sweeps' verdict: a sweep that broke
# them must show as failed builds too.
failed=0
run_uv_case sweeps "$scratch/sweeps.log" \
    MCP_UVCC_REAL_UV_BUILDS_ROOT="$root" MCP_UVCC_REAL_UV_KILLED="$killed_list" || failed=1
# The hook's one Output line says why the builds' dirs stay: the cache, then
# how many are in use (the counts themselves are the case's to check).
left_alone="$(rust_line LEFT_ALONE rust/binding/outcome.rs)"
if ! grep -qF "$root; ${#builds[@]} $left_alone" "$scratch/sweeps.log"; then
    echo "real_uv: the hook's summary line does not say the running builds' dirs were left alone" >&2
    failed=1
fi

for name in "${builds[@]}"; do
    check_build "$name" "${build_pids[$name]}"
done
((failed == 0)) || exit 1
echo "real_uv: all ${#builds[@]} builds swept mid-build succeeded"

echo "== a build between its steps, swept at min_age_sec 0"
# slowpkg with a build requirement, slowdep (a local path, so uv builds it in
# a shard of its own and holds that shard's lock): uv makes slowpkg's build
# venv, then builds slowdep to install it there. While slowdep's backend
# sleeps, no process names slowpkg's venv; only the lock shows the build.
cp -R tests/real_uv/slowpkg "$scratch/src-slowdep"
sed -i 's/^name = "slowpkg"/name = "slowdep"/' "$scratch/src-slowdep/pyproject.toml"
cp -R tests/real_uv/slowpkg "$scratch/src-between"
sed -i "s|^requires = \[\]|requires = [\"slowdep @ file://$scratch/src-slowdep\"]|" "$scratch/src-between/pyproject.toml"
grep -q "slowdep @ file://" "$scratch/src-between/pyproject.toml"
MCP_UVCC_SLOW_BUILD_ONLY=slowdep MCP_UVCC_SLOW_BUILD_SEC=30 MCP_UVCC_SLOW_BUILD_MARKER="$scratch/building-between" setsid \
    uv build --no-index --wheel --out-dir "$scratch/out-between" "$scratch/src-between" \
    > "$scratch/build-between.log" 2>&1 &
between_pid=$!
wait_building between
failed=0
run_uv_case between-steps "$scratch/between.log" MCP_UVCC_REAL_UV_BETWEEN_ROOT="$root" || failed=1
check_build between "$between_pid"
((failed == 0)) || exit 1
echo "real_uv: the build swept between its steps succeeded"

echo "== a uvx installing into its environment, swept at min_age_sec 0"
# uvx makes the tool's environment in builds-v0, then installs into it. From a
# loopback index whose wheel download waits (stalling_index.py), it stays in
# that step: no build runs and no process names the environment; only uv's
# lock on the cached environment it is making shows it is in use.
python3 tests/real_uv/stalling_index.py "$scratch/out-one/slowpkg-0.1.0-py3-none-any.whl" \
    "$scratch/index-port" "$scratch/index-release" "$scratch/index-asked" > "$scratch/index.log" 2>&1 &
index_pid=$!
wait_for "$scratch/index-port" "the index never listened" "$scratch/index.log"
UV_OFFLINE=0 setsid uvx --index-url "http://127.0.0.1:$(cat "$scratch/index-port")/simple" --from slowpkg \
    python -c 'import slowpkg; assert slowpkg.BUILT' > "$scratch/uvx.log" 2>&1 &
uvx_pid=$!
wait_for "$scratch/index-asked" "uvx never asked for the wheel" "$scratch/uvx.log"
failed=0
run_uv_case installing "$scratch/installing.log" MCP_UVCC_REAL_UV_INSTALLING_ROOT="$root" || failed=1
touch "$scratch/index-release"
if ! wait "$uvx_pid"; then
    echo "real_uv: the uvx swept while installing FAILED:" >&2
    cat "$scratch/uvx.log" >&2
    failed=1
fi
kill "$index_pid"
((failed == 0)) || exit 1
echo "real_uv: the uvx swept while installing ran its tool"

echo "== uv's cache afterwards"
uv cache prune
start_build fresh 0
wait "$started_pid" || { echo "real_uv: a fresh build FAILED:" >&2; cat "$scratch/build-fresh.log" >&2; exit 1; }
[[ -f "$scratch/out-fresh/slowpkg-0.1.0-py3-none-any.whl" ]] || { echo "real_uv: no fresh wheel" >&2; exit 1; }
uv cache clean
[[ ! -e "$root" ]] || [[ -z "$(ls -A "$root")" ]] || { echo "real_uv: uv cache clean left $root" >&2; exit 1; }
echo "real_uv: prune, a fresh build and clean all worked"
