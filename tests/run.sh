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
# 4. The in-engine stages on every engine listed in ../shared/godot/engines.tsv
#    (Linux natively, Windows under Wine with the cross-built DLL; $GODOT or
#    $GODOT_WINDOWS replace that OS's list), one SKIPPED line for each engine
#    that is not there: the suite (tests/godot_suite.sh), our addon next to a
#    godot-ai-shaped project (tests/godot_ai_coexistence.sh), and on an
#    editor the editor stages (tests/godot_editor.sh) and the real godot-ai
#    plugin in the editor (tests/godot_ai_editor.sh).
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

# The in-engine stages, on every engine of ../shared/godot/engines.tsv
# (engine_rows prints one SKIPPED line for each that is missing).
mapfile -t engines < <(source tests/godot_engines.sh && engine_rows)
built_linux=false
for row in "${engines[@]}"; do
    IFS=$'\t' read -r path version kind os <<< "$row"
    echo "== in-engine: Godot $version $kind ($os): $path"
    if [[ "$os" == linux ]]; then
        if [[ "$built_linux" == false ]]; then
            scripts/build-addon.sh --no-demo
            built_linux=true
        fi
        engine_var=GODOT
    else
        engine_var=GODOT_WINDOWS
    fi
    env "$engine_var=$path" tests/godot_suite.sh "$os"
    env "$engine_var=$path" tests/godot_ai_coexistence.sh "$os"
    if [[ "$kind" == editor ]]; then
        GODOT_EDITOR="$path" tests/godot_editor.sh
        GODOT_EDITOR="$path" tests/godot_ai_editor.sh
    fi
done
