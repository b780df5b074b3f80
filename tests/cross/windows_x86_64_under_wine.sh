#!/usr/bin/env bash
# The Windows half of the test command (docs/platforms.md "Windows"; .ci/run calls it):
#
# 1. cross-builds the shipped DLLs (release, scripts/build-libraries.sh) into
#    addons/mcp_uv_cache_cleanup/bin/, each checked by tests/cross/check_library.sh;
# 2. builds the Rust test suite for x86_64-pc-windows-gnu (the release
#    profile, reusing what the DLLs' build compiled) and runs it under
#    Wine: the shared tests, the Windows-only tests (tests/windows_semantics.rs) and the
#    panic-catching tests, on Windows semantics.
#
# Needs the Windows toolchain and Wine (scripts/toolchains.sh: WINDOWS_PACKAGES,
# WINE).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/windows/env.sh
require_windows_toolchain "${WINE[@]}"

echo "== Windows DLLs"
scripts/build-libraries.sh windows-x86_64
scratch="$(mktemp -d)"
trap 'wine_cleanup; rm -rf "$scratch"' EXIT

echo "== Wine prefix"
make_wine_prefix "$scratch/prefix"

echo "== Rust tests for $WINDOWS_TARGET under $(/usr/lib/wine/wine64 --version)"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=/usr/lib/wine/wine64
# Tests Wine cannot reproduce are marked Windows-host-only with cfg(under_wine).
export MCP_UVCC_EMULATOR=wine
# Scratch directories on the Wine side, inside the prefix.
export MCP_UVCC_TEST_TMPDIR='C:\uvcc-tests'
windows_cargo test --release --no-fail-fast --lib --tests
