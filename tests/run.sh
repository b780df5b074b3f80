#!/usr/bin/env bash
# The project's test command (README "Run all tests"; .ci/run calls it).
#
# 1. cargo test: the sweep engine on a real filesystem, every rule.
# 2. The permission tests once more as an unprivileged user, when run as
#    root: root ignores permission bits, so only this run can fail if
#    read-only handling breaks.
# 3. The Windows tests (tests/run_windows.sh: cross-built DLL, its imports,
#    the Rust suite under Wine), when the Windows toolchain is installed; one
#    SKIPPED line when not.
# 4. The in-engine suite in headless Godot: on Linux ($GODOT, else
#    ../shared/godot/linux/godot), then on Windows under Wine with the
#    cross-built DLL ($GODOT_WINDOWS, else ../shared/godot/windows/godot.exe);
#    one SKIPPED line for each engine that is not there
#    (tests/godot_suite.sh). On each engine, our addon next to a
#    godot-ai-shaped project in three stages (tests/godot_ai_coexistence.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --all-targets

if [[ "$(id -u)" == 0 ]]; then
    if ! command -v setpriv > /dev/null; then
        echo "run.sh: setpriv (util-linux) is needed to run the permission tests unprivileged" >&2
        exit 1
    fi
    binary="$(cargo test --test read_only --no-run --message-format=json 2> /dev/null |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)"
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    # A copy inside a directory nobody owns: the checkout itself may sit in a
    # directory other users cannot enter.
    cp "$binary" "$scratch/read_only"
    mkdir "$scratch/tmp"
    chown -R nobody "$scratch"
    chmod 755 "$scratch"
    echo "run.sh: permission tests again as user nobody"
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        env MCP_UVCC_TEST_TMPDIR="$scratch/tmp" "$scratch/read_only"
fi

if (source scripts/windows/env.sh && require_windows_toolchain wine wine64 2> /dev/null); then
    tests/run_windows.sh
else
    echo "SKIPPED: Windows tests under Wine (apt-get install rustc-web cargo-web rust-web-src" \
        "gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine wine64)"
fi

for platform in linux windows; do
    # engine_for prints the one SKIPPED line when this engine is not there.
    if (source tests/godot_engines.sh && engine_for "$platform" > /dev/null); then
        if [[ "$platform" == linux ]]; then
            scripts/build-addon.sh --no-demo
        fi
        tests/godot_suite.sh "$platform"
        tests/godot_ai_coexistence.sh "$platform"
    fi
done
