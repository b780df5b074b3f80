#!/usr/bin/env bash
# The Linux arm64 half of the test command (docs/platforms.md "Every platform"): the
# Rust test suite (lib and tests/, every rule on a real filesystem) built for
# aarch64-unknown-linux-gnu with the toolchain of the shipped library
# (Debian's Rust with -Zbuild-std, zig linking at the glibc floor; the
# release profile, so the std and dependencies the library build compiled
# serve it too), each test binary run by qemu-aarch64 against Debian's arm64
# glibc.
#
# Needs the cross toolchain and qemu with arm64 glibc (scripts/toolchains.sh:
# CROSS_PACKAGES, QEMU_ARM64).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/library_names.sh
source scripts/cross/env.sh
require_cross_toolchain "${QEMU_ARM64[@]}"

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
# Without binfmt_misc a test cannot exec an arm64 program (a copy of itself):
# those tests are marked cfg_attr(under_qemu, ignore) (rust/build.rs).
export MCP_UVCC_EMULATOR=qemu
# What this run adds to the native suite is the target: arm64 code
# generation, its std, rustix's raw arm64 system calls. tests/memory.rs adds
# nothing to that: it bounds the sweep's peak heap, the same allocations on
# every target, and took a quarter of this run (23 of 90 s); under qemu
# with other work beside it, it measured thread scheduling instead (a
# 82 KB peak read as 212 KB). The native suite and the x86_64 Wine suite run it.
LEFT_OUT=(memory)
mapfile -t test_args < <(tests_except "${LEFT_OUT[@]}")
echo "== Rust tests for aarch64-unknown-linux-gnu under $(qemu-aarch64 --version | head -n 1)"
echo "(left out here, run by the native and x86_64 Wine suites: ${LEFT_OUT[*]})"
debian_cargo test aarch64-unknown-linux-gnu --release \
    --no-fail-fast "${test_args[@]}"
