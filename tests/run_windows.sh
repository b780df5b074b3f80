#!/usr/bin/env bash
# The Windows half of the test command (README "Windows"; .ci/run calls it):
#
# 1. cross-builds the shipped DLL (release) into addons/mcp_uv_cache_cleanup/bin/
#    and checks it imports only system DLLs (and that the check can fail);
# 2. builds the Rust test suite for x86_64-pc-windows-gnu and runs it under
#    Wine: the shared tests, the Windows-only tests (tests/windows.rs) and the
#    panic-catching tests, on Windows semantics.
#
# Needs Debian's rustc-web, cargo-web, rust-web-src, gcc-mingw-w64-x86-64,
# binutils-mingw-w64-x86-64, wine and wine64.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/windows/env.sh
require_windows_toolchain wine wine64

echo "== Windows DLL"
scripts/build-windows.sh

echo "== the import check rejects a DLL that needs the mingw runtime"
scratch="$(mktemp -d)"
trap 'wine_cleanup; rm -rf "$scratch"' EXIT
printf '#include <pthread.h>\n__declspec(dllexport) int gdext_rust_init(void) { return (int)(long long)pthread_self(); }\n' \
    > "$scratch/needs_runtime.c"
x86_64-w64-mingw32-gcc -shared -o "$scratch/needs_runtime.dll" "$scratch/needs_runtime.c" -lpthread -shared-libgcc
if tests/check_dll_imports.sh "$scratch/needs_runtime.dll" > "$scratch/check.log" 2>&1; then
    cat "$scratch/check.log"
    echo "run_windows: the import check accepted a DLL that imports the mingw runtime" >&2
    exit 1
fi
grep 'FAIL' "$scratch/check.log"

echo "== Wine prefix"
make_wine_prefix "$scratch/prefix"

echo "== Rust tests for $WINDOWS_TARGET under $(/usr/lib/wine/wine64 --version)"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=/usr/lib/wine/wine64
# Tests Wine cannot reproduce are marked Windows-host-only with cfg(under_wine).
export RUSTFLAGS="--cfg under_wine"
# Scratch directories on the Wine side, inside the prefix.
export MCP_UVCC_TEST_TMPDIR='C:\uvcc-tests'
windows_cargo test --no-fail-fast --lib --tests
