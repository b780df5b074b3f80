#!/usr/bin/env bash
# Cross-compiles the addon for Windows x86_64 (release) on Linux and puts
# mcp_uv_cache_cleanup.dll into addons/mcp_uv_cache_cleanup/bin/, where the
# .gdextension expects it; then checks the DLL's imports.
#
# Needs Debian's rustc-web, cargo-web, rust-web-src, gcc-mingw-w64-x86-64 and
# binutils-mingw-w64-x86-64. The first build compiles the standard library
# too (a few minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/windows/env.sh
require_windows_toolchain

windows_cargo build --release --lib
dll="$WINDOWS_TARGET_DIR/$WINDOWS_TARGET/release/mcp_uv_cache_cleanup.dll"
mkdir -p addons/mcp_uv_cache_cleanup/bin
cp "$dll" addons/mcp_uv_cache_cleanup/bin/mcp_uv_cache_cleanup.dll
echo "built addons/mcp_uv_cache_cleanup/bin/mcp_uv_cache_cleanup.dll"
tests/check_dll_imports.sh addons/mcp_uv_cache_cleanup/bin/mcp_uv_cache_cleanup.dll
