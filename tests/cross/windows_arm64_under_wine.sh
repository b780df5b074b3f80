#!/usr/bin/env bash
# The Windows arm64 half of the test command (docs/platforms.md "Every platform"), under
# Debian's arm64 Wine run by qemu-aarch64 (scripts/windows/arm64_wine.sh):
#
# 1. the shipped arm64 DLL (built with scripts/build-libraries.sh
#    windows-arm64 when missing) is loaded by
#    tests/cross/windows/load_library.c, built for arm64 Windows: every import
#    resolved, the entry symbol found and called as Godot calls it, once with
#    Godot 4.3's interface (it must initialise) and once with none (the
#    panic inside must be caught);
# 2. the Rust test suite for aarch64-pc-windows-gnullvm (the DLL's target and
#    toolchain: Debian's Rust with -Zbuild-std, zig linking; the release
#    profile, as the Linux arm64 suite) runs under that Wine, with the
#    skips of the x86_64 Wine suite (cfg(under_wine)), less the volume tests
#    (VOLUME_TESTS below).
#
# Needs the cross toolchain (scripts/cross/env.sh), qemu-user and dpkg's
# arm64 architecture (the arm64 Wine packages are downloaded, not installed).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/library_names.sh
source scripts/cross/env.sh
source scripts/windows/arm64_wine.sh
require_cross_toolchain
require_arm64_wine

target=aarch64-pc-windows-gnullvm
bin=addons/mcp_uv_cache_cleanup/bin
dll="$bin/$(shipped_library_name windows-arm64)"
[[ -f "$dll" ]] || scripts/build-libraries.sh windows-arm64

export MCP_UVCC_ZIG
MCP_UVCC_ZIG="$(zig_dir)/zig"
zig_cc=("$MCP_UVCC_ZIG" cc -target aarch64-windows-gnu)
scratch="$(mktemp -d)"
trap 'wine_cleanup; rm -rf "$scratch"' EXIT

echo "== arm64 Wine prefix"
make_arm64_wine_prefix "$scratch/prefix" "${zig_cc[@]}"
echo "== $("$MCP_UVCC_WINE_LOADER" --version) (arm64, under $(qemu-aarch64 --version | head -n 1))"

echo "== the shipped arm64 DLL, loaded as Godot loads it"
"${zig_cc[@]}" -municode -O2 -Wall -Wextra -Werror -o "$scratch/load_library.exe" tests/cross/windows/load_library.c
# A copy on drive C:, as a user's project would be.
cp "$dll" "$WINEPREFIX/drive_c/"
for interface in godot nothing; do
    # gdext prints a line when it initialises, and the panic it must
    # catch with the empty interface (without a backtrace).
    [[ "$interface" == nothing ]] && echo "(an empty interface: the panic line below is expected)"
    RUST_BACKTRACE=0 "$MCP_UVCC_WINE_LOADER" "$scratch/load_library.exe" "C:\\$(basename "$dll")" \
        gdext_rust_init "$interface"
done

echo "== Rust tests for $target under arm64 Wine"
export CARGO_TARGET_AARCH64_PC_WINDOWS_GNULLVM_RUNNER="$PWD/scripts/windows/arm64-wine-runner"
# The x86_64 Wine suite's skips (tests Wine cannot reproduce), no more.
export MCP_UVCC_EMULATOR=wine
export MCP_UVCC_TEST_TMPDIR='C:\uvcc-tests'
# What this run adds to the x86_64 Wine suite and the arm64 Linux one is the
# target: its code generation, its toolchain's std and unwinding (the panic
# caught at the entry point), the Windows API on arm64. The volume tests add
# nothing to that: deep trees, 10^4-file caches and sweeps racing each other
# run the same code as the tests kept, and take 4.5 of this run's 5 minutes
# under Wine on qemu (measured: sweep_limits 167 s, background 51 s, memory
# 31 s, fixture_sweep 22 s; every other binary under 5 s). Both other suites
# run them.
VOLUME_TESTS=(sweep_limits background memory fixture_sweep)
mapfile -t test_args < <(tests_except "${VOLUME_TESTS[@]}")
echo "(left out here, run by the x86_64 Wine and arm64 Linux suites: ${VOLUME_TESTS[*]})"
debian_cargo test "$target" --release --no-fail-fast "${test_args[@]}"
