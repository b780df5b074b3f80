#!/usr/bin/env bash
# The project's test command (README "From source"; .ci/run calls it):
#
#   tests/run.sh              every stage, in this order
#   tests/run.sh STAGE...     the stages named (tests/run.sh --list names them)
#   tests/run.sh quick        before every commit: lint, cargo, and the suite
#                             on the first Linux engine (a few minutes)
#   --drop-builds             (anywhere) remove each cargo build directory
#                             under target/ once no later stage uses it: a
#                             fresh clone's full run then peaks at about 3.3
#                             GB (.ci/run uses it; the next run builds them
#                             again)
#   --list, --help            the stages; this text
#
# When a run has both, the host stages (lint, cargo, root: rustup's cargo,
# target/debug) run beside the cross stages (libraries, arm64, windows:
# Debian's, target/cross) in the background; their output is printed when
# they end, and a failure in either stops the run.
#
# lint        cargo fmt, clippy and rustdoc (warnings denied), gdparse and
#             gdlint on every .gd file, shellcheck on every shell script
#             (warnings and errors), and every Markdown link
#             (scripts/check_links.py); one SKIPPED line per missing tool.
# cargo       cargo test: the sweep engine on a real filesystem, every rule;
#             each benchmark once; and the classes' help pages against the
#             doc comments.
# root        As root only: the permission tests again as an unprivileged
#             user (root ignores permission bits, so only this run can fail
#             if read-only handling breaks), and the process check's fallback
#             with /proc hidden in a mount namespace of its own.
# libraries   The .gdextension lists every platform (scripts/gdextension.sh
#             --check), and every shipped library (scripts/build-libraries.sh: Linux,
#             Windows x86_64 and arm64, macOS universal), each checked by
#             tests/cross/check_library.sh after tests/cross/check_library_selftest.sh
#             proves each check can fail; without the cross toolchains one
#             SKIPPED line, and this machine's library only.
# arm64       The Rust suite for Linux arm64 under qemu
#             (tests/cross/linux_arm64_under_qemu.sh), and the Windows arm64 DLLs loaded
#             and their Rust suite run under arm64 Wine
#             (tests/cross/windows_arm64_under_wine.sh); a SKIPPED line for each missing
#             toolchain.
# windows     The Windows tests (tests/cross/windows_x86_64_under_wine.sh: the Rust suite under
#             Wine); one SKIPPED line without the Windows toolchain.
# archive     The version (scripts/version.sh --check) and the Asset Library
#             listing (asset_library/check_listing.py) against Cargo.toml;
#             the third-party notices and licence policy (scripts/notices.sh
#             --check: cargo-about runs only when an input changed since the
#             notices were written; one SKIPPED line if it is then missing);
#             the release archive (scripts/build-release.sh), its layout
#             checked and installed as the asset installers of Godot 4.3 and
#             4.7 would (tests/archive/check_archive.py): the addon the
#             in-engine stages install, when every library is in bin/ (else
#             they install the source tree's addon).
# engines     The in-engine stages on every engine listed in
#             ../shared/godot/engines.tsv (Linux natively, Windows under Wine
#             with the cross-built DLL; $MCP_UVCC_ENGINES names another table),
#             one SKIPPED line for each engine that is not there:
#             the suite (tests/engine/godot_suite.sh), our addon next to a
#             godot-ai-shaped project (tests/engine/godot_ai_coexistence.sh), and on
#             a Linux editor the editor stages (tests/engine/godot_editor_linux.sh), the
#             real godot-ai plugin in the editor (tests/engine/godot_ai_editor.sh) and
#             exported games (tests/engine/godot_export.sh: exported for Linux,
#             Windows and Web, run on every template, Windows under Wine); a
#             Windows editor runs the first two under Wine, then the editor
#             plugin on uv's real Windows caches, alone and beside the real
#             godot-ai (tests/engine/godot_editor_windows.sh).
# real-uv     The real uv from PyPI, offline, swept mid-build
#             (tests/real_uv/real_uv.sh), when uv is on PATH and there is a Linux
#             engine; one SKIPPED line when not.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchains.sh
source scripts/library_names.sh

STAGES=(lint cargo root libraries arm64 windows archive engines real-uv)
# `quick`: lint, cargo, then only the suite on the first Linux engine.
QUICK=(lint cargo suite)

# The build directories each stage leaves that no later stage reads: the
# libraries are copied into the addon's bin/ and the later stages load them
# from there (or from the archive), never from target/. The arm64 and
# Windows builds stay until their suites, whose test builds reuse them
# (scripts/cross/env.sh), and so do the build scripts and proc macros they
# all share (target/cross/release), until the last suite.
builds_done_after() {
    case "$1" in
        root) echo target/debug ;;
        # The targets no cross suite builds tests for.
        libraries) cross_build_dirs linux-x86_64 macos-universal ;;
        arm64)
            cross_build_dirs linux-arm64 windows-arm64
            echo target/arm64-wine
            ;;
        windows) echo target/cross ;;
        # The pristine Wine prefixes every Wine run copies (scripts/windows/env.sh).
        engines) echo target/wine-prefixes ;;
    esac
}

# The build directories of PLATFORM... in target/cross, one per Rust target.
cross_build_dirs() {
    local platform
    for platform in "$@"; do
        platform_rust_targets "$platform" | sed 's|^|target/cross/|'
    done
}

# Removed when the command exits: the scratch dirs of the stages.
cleanup=()
# The stage running, for the line a failure ends with: a script that stops
# on `set -e` says nothing itself, and a CI log may show only its tail.
running_stage=""
# The host stages' background shell while it runs (start_host_lane).
lane_pid=""
on_exit() {
    local status=$?
    [[ -z "$lane_pid" ]] || stop_host_lane
    rm -rf "${cleanup[@]}"
    if ((status != 0)) && [[ -n "$running_stage" ]]; then
        echo "== run.sh FAILED in stage $running_stage (exit $status) after $SECONDS s" >&2
    fi
}
trap on_exit EXIT

# The path of the integration test binary NAME (tests/NAME.rs), built.
test_binary() {
    cargo test --test "$1" --no-run --message-format=json 2> /dev/null |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1
}

# True when the cross toolchains every library needs are installed.
have_cross_toolchain() {
    (source scripts/cross/env.sh && require_cross_toolchain "${DEBIAN_MINGW[@]}" 2> /dev/null)
}

# The shell scripts git tracks: *.sh and the extensionless ones with a bash
# shebang.
shell_scripts() {
    git ls-files '*.sh'
    git ls-files | while read -r file; do
        [[ "${file##*/}" != *.* && -f "$file" ]] && head -n 1 "$file" | grep -q '^#!.*bash' && echo "$file"
    done
}

stage_lint() {
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
    python3 scripts/check_links.py
    local gd_files scripts
    mapfile -t gd_files < <(git ls-files '*.gd')
    if command -v gdlint > /dev/null; then
        gdparse "${gd_files[@]}" > /dev/null
        gdlint "${gd_files[@]}"
    else
        echo "SKIPPED: gdparse and gdlint (pip install '${TEST_PYPI[0]}')"
    fi
    mapfile -t scripts < <(shell_scripts)
    if command -v shellcheck > /dev/null; then
        shellcheck -x --severity=warning "${scripts[@]}"
        echo "run.sh: shellcheck: ${#scripts[@]} scripts, no warning"
    else
        echo "SKIPPED: shellcheck on ${#scripts[@]} scripts (apt-get install shellcheck)"
    fi
}

# quick's engine part: this machine's library (scripts/build-addon.sh), then
# the suite on the first Linux engine.
stage_suite() {
    local engine
    engine="$(source tests/engine/godot_engines.sh && pick_engine linux any "the quick suite")" || return 0
    scripts/build-addon.sh --no-demo
    tests/engine/godot_suite.sh "$engine"
}

stage_cargo() {
    # --all-features: editor-docs, with which the unit tests include the
    # check that the help pages the library loads are the ones gdext writes
    # from the doc comments (rust/binding/class_docs.rs). The feature only
    # adds gdext's doc registration, which no test without Godot reaches;
    # one build for both saves compiling gdext and the crate again (36
    # CPU-seconds).
    cargo test --all-targets --all-features
    # The benchmarks once each, as a smoke test (their own package,
    # benches/Cargo.toml).
    cargo test -p mcp_uv_cache_cleanup_benches --benches
}

stage_root() {
    if [[ "$(id -u)" != 0 ]]; then
        echo "SKIPPED: the unprivileged rerun and the hidden-/proc test (run as root)"
        return
    fi
    if ! command -v setpriv > /dev/null; then
        echo "run.sh: setpriv (util-linux) is needed to run the permission tests unprivileged" >&2
        exit 1
    fi
    local binary scratch
    binary="$(test_binary read_only)"
    scratch="$(mktemp -d)"
    cleanup+=("$scratch")
    # A copy inside a directory nobody owns: the checkout itself may sit in a
    # directory other users cannot enter.
    cp "$binary" "$scratch/read_only"
    mkdir "$scratch/tmp"
    chown -R nobody "$scratch"
    chmod 755 "$scratch"
    echo "run.sh: permission tests again as user nobody"
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        env MCP_UVCC_TEST_TMPDIR="$scratch/tmp" "$scratch/read_only"
    # The process check's fallback: in a mount namespace whose /proc is an
    # empty tmpfs, only the age rule applies and the report says why.
    echo "run.sh: the process check with /proc hidden (unshare -m)"
    unshare --mount sh -c 'mount -t tmpfs none /proc && exec "$0" --ignored --exact "$1"' \
        "$(test_binary sweep_liveness)" without_processes_only_the_age_rule_applies_and_the_report_says_why
}

# Every shipped library, built as released and checked
# (scripts/build-libraries.sh, tests/cross/check_library.sh), after proving the
# checks can fail.
stage_libraries() {
    scripts/gdextension.sh --check
    if have_cross_toolchain; then
        tests/cross/check_library_selftest.sh
        scripts/build-libraries.sh
    else
        echo "SKIPPED: the libraries for every platform" \
            "(apt-get install ${CROSS_PACKAGES[*]} ${DEBIAN_MINGW[*]}; pip install ${BUILD_PYPI[*]})"
        scripts/build-addon.sh --no-demo
    fi
}

# The arm64 suites under qemu: Linux, and Windows under arm64 Wine.
stage_arm64() {
    if have_cross_toolchain && (source scripts/cross/env.sh && require_cross_toolchain "${QEMU_ARM64[@]}" 2> /dev/null); then
        tests/cross/linux_arm64_under_qemu.sh
    else
        echo "SKIPPED: the Linux arm64 tests under qemu" \
            "(apt-get install ${CROSS_PACKAGES[*]} ${QEMU_ARM64[*]}; pip install ${BUILD_PYPI[*]})"
    fi
    if have_cross_toolchain && (source scripts/windows/arm64_wine.sh && require_arm64_wine 2> /dev/null); then
        tests/cross/windows_arm64_under_wine.sh
    else
        echo "SKIPPED: the Windows arm64 DLLs and tests under arm64 Wine" \
            "(the cross toolchain, ${QEMU_ARM64[0]}, and dpkg --add-architecture arm64 && apt-get update)"
    fi
}

stage_windows() {
    if (source scripts/windows/env.sh && require_windows_toolchain "${DEBIAN_LLVM[@]}" "${WINE[@]}" 2> /dev/null); then
        tests/cross/windows_x86_64_under_wine.sh
    else
        echo "SKIPPED: Windows tests under Wine (apt-get install ${WINDOWS_PACKAGES[*]} ${DEBIAN_LLVM[*]} ${WINE[*]})"
    fi
}

# The release archive, unpacked, is what every later in-engine stage
# installs: the engines load what users get.
stage_archive() {
    scripts/version.sh --check
    python3 asset_library/check_listing.py
    if scripts/notices.sh --current || command -v cargo-about > /dev/null; then
        scripts/notices.sh --check
    else
        echo "SKIPPED: the third-party notices and the licence policy, whose inputs changed (cargo install --locked ${NOTICES_CRATE[*]})"
    fi
    local platform
    for platform in "${PLATFORMS[@]}"; do
        if [[ ! -f "addons/mcp_uv_cache_cleanup/bin/$(shipped_library_name "$platform")" ]]; then
            echo "SKIPPED: the release archive (needs every platform's library: the libraries stage)"
            return
        fi
    done
    local archive installed
    archive="$(scripts/build-release.sh --no-build | tail -n 1)"
    installed="$(mktemp -d)"
    cleanup+=("$installed")
    python3 tests/archive/check_archive.py "$archive" "$(scripts/version.sh)" --install "$installed"
    export MCP_UVCC_ADDON_SOURCE="$installed/addons/mcp_uv_cache_cleanup"
    echo "== in-engine stages install the release archive $archive, as Godot 4.3's asset installer placed it"
}

# The in-engine stages, on every engine of the engine table (engine_rows
# prints one SKIPPED line for each that is missing), each given the engine.
stage_engines() {
    local engines row path version kind os started
    mapfile -t engines < <(source tests/engine/godot_engines.sh && engine_rows)
    for row in "${engines[@]}"; do
        IFS=$'\t' read -r path version kind os <<< "$row"
        echo "== in-engine: Godot $version $kind ($os): $path"
        started=$SECONDS
        tests/engine/godot_suite.sh "$path"
        tests/engine/godot_ai_coexistence.sh "$path"
        if [[ "$kind" == editor && "$os" == linux ]]; then
            tests/engine/godot_editor_linux.sh "$path"
            tests/engine/godot_ai_editor.sh "$path"
            tests/engine/godot_export.sh "$path"
        elif [[ "$kind" == editor ]]; then
            # Under Wine this editor has run the suite and the coexistence
            # stages above, as a template does; then the editor plugin on
            # uv's real Windows caches, alone and beside godot-ai.
            tests/engine/godot_editor_windows.sh "$path"
        fi
        echo "== in-engine: Godot $version $kind ($os) took $((SECONDS - started)) s"
    done
}

# The sweep beside the real uv, mid-build (one SKIPPED line without uv or a
# Linux engine).
stage_real-uv() {
    tests/real_uv/real_uv.sh
}

drop_builds=false
selected=()
for arg in "$@"; do
    case "$arg" in
        --help | -h)
            sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        --list)
            printf '%s\n' "${STAGES[@]}"
            exit 0
            ;;
        --drop-builds) drop_builds=true ;;
        quick) selected+=("${QUICK[@]}") ;;
        -*)
            echo "run.sh: no option '$arg' (tests/run.sh --help)" >&2
            exit 2
            ;;
        *) selected+=("$arg") ;;
    esac
done
((${#selected[@]})) || selected=("${STAGES[@]}")
for stage in "${selected[@]}"; do
    if [[ ! " ${STAGES[*]} suite " == *" $stage "* ]]; then
        echo "run.sh: no stage '$stage' (stages: ${STAGES[*]}; or quick)" >&2
        exit 2
    fi
done
# In the order of STAGES, whatever the order named: a later stage may use an
# earlier one's work (engines install the archive's addon). Each stage's
# time is printed after it, and all of them at the end.
# Beside its time, each stage's CPU time (user and system, of every process
# it ran): what other work on the same cores competes for.
cpu_times="$(mktemp)"
cleanup+=("$cpu_times")
# Sets CPU to the CPU seconds this shell's finished children have used so
# far. `times` runs in this shell, not in a command substitution: a subshell
# would count its own children only.
cpu_seconds() {
    times > "$cpu_times"
    CPU="$(tail -n 1 "$cpu_times" | awk '{
        total = 0
        for (i = 1; i <= 2; i++) { split($i, part, "m"); total += part[1] * 60 + part[2] }
        printf "%d", total
    }')"
}

# Runs STAGE, timed, and adds its time to `times`.
run_stage() {
    local stage="$1" started=$SECONDS cpu_started
    echo "== stage $stage ($(df -h --output=avail . | tail -n 1 | tr -d ' ') free on this disk)"
    cpu_seconds
    cpu_started=$CPU
    running_stage="$stage"
    "stage_$stage"
    running_stage=""
    if "$drop_builds"; then
        # shellcheck disable=SC2046 # the globs are meant to expand here
        rm -rf $(builds_done_after "$stage")
    fi
    times+=("$stage $((SECONDS - started)) s")
    cpu_seconds
    echo "== stage $stage took $((SECONDS - started)) s (CPU $((CPU - cpu_started)) s)"
}

# The stages of HOST_LANE build with rustup's cargo in target/debug, those of
# CROSS_LANE with Debian's in target/cross; neither reads what the other
# writes. When a run has stages of both, the host ones run beside the cross
# ones, in a subshell of their own whose output is printed when they end:
# one target's cross build keeps one core busy more often than two, and the
# host stages take the other (tests/run.sh alone: docs/developing.md).
HOST_LANE=(lint cargo root)
CROSS_LANE=(libraries arm64 windows)
# The files of the background shell's output and times.
lane_log=""
lane_times=""

# The STAGE... that were selected, in the order of STAGES.
selected_of() {
    local stage
    for stage in "$@"; do
        [[ " ${selected[*]} " == *" $stage "* ]] && echo "$stage"
    done
    return 0
}

# Starts the selected host stages in the background.
start_host_lane() {
    lane_log="$(mktemp)"
    lane_times="$(mktemp)"
    cleanup+=("$lane_log" "$lane_times")
    local stages
    mapfile -t stages < <(selected_of "${HOST_LANE[@]}")
    echo "== stages ${stages[*]} run beside the next ones; their output follows when they end"
    (
        # This shell's own scratch and CPU count; the parent's stay its own.
        cleanup=()
        cpu_times="$(mktemp)"
        cleanup+=("$cpu_times")
        times=()
        trap on_exit EXIT
        # Stopped by stop_host_lane: the EXIT trap still removes the scratch.
        trap 'exit 143' TERM
        for stage in "${stages[@]}"; do
            run_stage "$stage"
        done
        printf '%s\n' "${times[@]}" > "$lane_times"
    ) > "$lane_log" 2>&1 &
    lane_pid=$!
}

# Waits for the host stages, prints their output, and adds their times; fails
# when they did.
finish_host_lane() {
    local status=0
    wait "$lane_pid" || status=$?
    lane_pid=""
    echo "== the output of the stages run beside:"
    cat "$lane_log"
    if ((status != 0)); then
        echo "== run.sh FAILED: a stage run beside the others failed (its output above)" >&2
        exit "$status"
    fi
    mapfile -t -O "${#times[@]}" times < "$lane_times"
}

# On exit while the host stages still run (a cross stage failed): they are
# stopped, and what they printed so far is shown.
stop_host_lane() {
    [[ -n "$lane_pid" ]] || return 0
    local pids=("$lane_pid") i
    # Its processes, deepest first, before the lane itself.
    for ((i = 0; i < ${#pids[@]}; i++)); do
        mapfile -t -O "${#pids[@]}" pids < <(pgrep -P "${pids[i]}")
    done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2> /dev/null || true
    done
    wait "$lane_pid" 2> /dev/null || true
    echo "== the output of the stages run beside, stopped:"
    cat "$lane_log"
}

times=()
mapfile -t cross_stages < <(selected_of "${CROSS_LANE[@]}")
for stage in "${STAGES[@]}" suite; do
    [[ " ${selected[*]} " == *" $stage "* ]] || continue
    if [[ " ${HOST_LANE[*]} " == *" $stage "* ]] && ((${#cross_stages[@]})); then
        [[ -n "$lane_log" ]] || start_host_lane
        continue
    fi
    run_stage "$stage"
    # After the last cross stage, or as soon as the host stages have ended.
    if [[ -n "$lane_pid" ]] && { [[ "$stage" == "${cross_stages[-1]}" ]] || ! kill -0 "$lane_pid" 2> /dev/null; }; then
        finish_host_lane
    fi
done
echo "== run.sh passed in $SECONDS s: $(IFS=,; echo "${times[*]}" | sed 's/,/, /g')"
