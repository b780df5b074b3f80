#!/usr/bin/env bash
# The project's test command (README "Run all tests"; .ci/run calls it).
#
# 1. cargo test: the sweep engine on a real filesystem, every rule.
# 2. The permission tests once more as an unprivileged user, when run as
#    root: root ignores permission bits, so only this run can fail if
#    read-only handling breaks. Also as root: the process check's fallback,
#    with /proc hidden in a mount namespace of its own.
# 3. Every shipped library (scripts/build-libraries.sh: Linux, Windows x86_64
#    and arm64, macOS universal), each checked by tests/check_library.sh after
#    tests/check_library_selftest.sh proves each check can fail, and the Rust
#    suite for Linux arm64 under qemu (tests/run_linux_arm64.sh), and the
#    Windows arm64 DLLs loaded and the Rust suite for them run under arm64
#    Wine (tests/run_windows_arm64.sh); without the cross toolchains one
#    SKIPPED line, and this machine's library only; without arm64 Wine (qemu
#    and dpkg's arm64 architecture), one SKIPPED line for it.
# 4. The Windows tests (tests/run_windows.sh: the Rust suite under Wine), when
#    the Windows toolchain is installed; one SKIPPED line when not.
# 5. The release archive (scripts/build-release.sh), unpacked: the addon the
#    in-engine stages install, when every library was built.
# 6. The in-engine stages on every engine listed in ../shared/godot/engines.tsv
#    (Linux natively, Windows under Wine with the cross-built DLL; $GODOT or
#    $GODOT_WINDOWS replace that OS's list), one SKIPPED line for each engine
#    that is not there: the suite (tests/godot_suite.sh), our addon next to a
#    godot-ai-shaped project (tests/godot_ai_coexistence.sh), and on a Linux
#    editor the editor stages (tests/godot_editor.sh) and the real godot-ai
#    plugin in the editor (tests/godot_ai_editor.sh); a Windows editor runs
#    the first two under Wine and prints one SKIPPED line for the others.
# 7. The real uv from PyPI, offline, swept mid-build (tests/real_uv.sh), when
#    uv is on PATH and there is a Linux engine; one SKIPPED line when not.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --all-targets

# The path of the integration test binary NAME (tests/NAME.rs), built.
test_binary() {
    cargo test --test "$1" --no-run --message-format=json 2> /dev/null |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1
}

if [[ "$(id -u)" == 0 ]]; then
    if ! command -v setpriv > /dev/null; then
        echo "run.sh: setpriv (util-linux) is needed to run the permission tests unprivileged" >&2
        exit 1
    fi
    binary="$(test_binary read_only)"
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
    # The process check's fallback: in a mount namespace whose /proc is an
    # empty tmpfs, only the age rule applies and the report says why.
    echo "run.sh: the process check with /proc hidden (unshare -m)"
    unshare --mount sh -c 'mount -t tmpfs none /proc && exec "$0" --ignored --exact "$1"' \
        "$(test_binary sweep_liveness)" without_processes_only_the_age_rule_applies_and_the_report_says_why
fi

# Every shipped library, built as released and checked
# (scripts/build-libraries.sh, tests/check_library.sh), after proving the
# checks can fail; then the arm64 suites under qemu: Linux, and Windows under
# arm64 Wine.
source scripts/toolchains.sh
if (source scripts/cross/env.sh && require_cross_toolchain "${DEBIAN_MINGW[@]}" "${QEMU_ARM64[@]}" 2> /dev/null); then
    tests/check_library_selftest.sh
    scripts/build-libraries.sh
    tests/run_linux_arm64.sh
    if (source scripts/windows/arm64_wine.sh && require_arm64_wine 2> /dev/null); then
        tests/run_windows_arm64.sh
    else
        echo "SKIPPED: the Windows arm64 DLLs and tests under arm64 Wine" \
            "(dpkg --add-architecture arm64 && apt-get update)"
    fi
    all_libraries=true
else
    echo "SKIPPED: the libraries for every platform and the Linux arm64 tests under qemu" \
        "(apt-get install ${CROSS_PACKAGES[*]} ${DEBIAN_MINGW[*]} ${QEMU_ARM64[*]}; pip install ${BUILD_PYPI[*]})"
    all_libraries=false
    scripts/build-addon.sh --no-demo
fi

if (source scripts/windows/env.sh && require_windows_toolchain "${DEBIAN_LLVM[@]}" "${WINE[@]}" 2> /dev/null); then
    tests/run_windows.sh
else
    echo "SKIPPED: Windows tests under Wine (apt-get install ${WINDOWS_PACKAGES[*]} ${DEBIAN_LLVM[*]} ${WINE[*]})"
fi

# The release archive, unpacked, is what every in-engine stage installs: the
# engines load what users get.
if [[ "$all_libraries" == true ]]; then
    archive="$(scripts/build-release.sh --no-build | tail -n 1)"
    unpacked="$(mktemp -d)"
    trap 'rm -rf "$unpacked" "${scratch:-}"' EXIT
    unzip -q "$archive" -d "$unpacked"
    export ADDON_SOURCE="$unpacked/addons/mcp_uv_cache_cleanup"
    echo "== in-engine stages install the release archive $archive"
else
    echo "SKIPPED: the release archive (needs every platform's library)"
fi

# The in-engine stages, on every engine of ../shared/godot/engines.tsv
# (engine_rows prints one SKIPPED line for each that is missing).
mapfile -t engines < <(source tests/godot_engines.sh && engine_rows)
for row in "${engines[@]}"; do
    IFS=$'\t' read -r path version kind os <<< "$row"
    echo "== in-engine: Godot $version $kind ($os): $path"
    engine_var=GODOT
    [[ "$os" == windows ]] && engine_var=GODOT_WINDOWS
    env "$engine_var=$path" tests/godot_suite.sh "$os"
    env "$engine_var=$path" tests/godot_ai_coexistence.sh "$os"
    if [[ "$kind" == editor && "$os" == linux ]]; then
        GODOT_EDITOR="$path" tests/godot_editor.sh
        GODOT_EDITOR="$path" tests/godot_ai_editor.sh
    elif [[ "$kind" == editor ]]; then
        # The editor stages start a Linux editor; under Wine this editor has
        # run the suite and the coexistence stages above, as a template does.
        echo "SKIPPED: the editor stages on Godot $version editor ($os): they run a Linux editor only"
    fi
done

# The sweep beside the real uv, mid-build (one SKIPPED line without uv or a
# Linux engine).
tests/real_uv.sh
