#!/usr/bin/env bash
# Cross-compiles the addon for Windows x86_64 (release) on Linux and puts
# both libraries (editor and template; scripts/library_names.sh) into
# addons/mcp_uv_cache_cleanup/bin/, where the .gdextension expects them; then
# checks each DLL's imports.
#
# Needs Debian's rustc-web, cargo-web, rust-web-src, gcc-mingw-w64-x86-64 and
# binutils-mingw-w64-x86-64. The first build compiles the standard library
# too (a few minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/windows/env.sh
source scripts/library_names.sh
require_windows_toolchain

bin=addons/mcp_uv_cache_cleanup/bin
mkdir -p "$bin"
for variant in template editor; do
    windows_cargo build --release --lib $(variant_features "$variant")
    dll="$bin/$(shipped_library_name windows "$variant")"
    cp "$WINDOWS_TARGET_DIR/$WINDOWS_TARGET/release/$(cargo_library_name windows)" "$dll"
    echo "built $dll"
    tests/check_dll_imports.sh "$dll"
done
