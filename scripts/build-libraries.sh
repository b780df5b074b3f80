#!/usr/bin/env bash
# Builds every library the addon ships, on Linux, into
# addons/mcp_uv_cache_cleanup/bin/, and checks each one
# (tests/cross/check_library.sh: format, exports, system-only links, glibc and
# macOS floors, size).
#
#   scripts/build-libraries.sh                  every platform
#   scripts/build-libraries.sh linux-arm64 ...  the platforms named
#
# Platforms and file names: scripts/library_names.sh. Toolchains:
# scripts/cross/env.sh (and scripts/windows/env.sh for Windows x86_64); one
# line says what to install when one is missing. A first build of a platform
# compiles its standard library too (several minutes on 2 cores).
#
# The targets are built together: one cargo run for every target that builds
# the same standard library (scripts/cross/env.sh cross_build; three runs for
# every platform: Linux x86_64, which links Debian's prebuilt std; Linux
# arm64 and both Windows, whose std has libtest for their suites; macOS's two
# slices). A single target's build is mostly one crate after another (core,
# std, godot-core, this crate) and keeps one core of two busy; several
# targets in one run keep both, and still share one target dir, so the build
# scripts and proc macros are compiled once. Measured on this 2-core machine,
# every library from nothing: 875 s and 1,629 CPU-seconds (186% CPU), against
# 1,176 s and 1,568 one target after another. (Tried before: three target
# dirs side by side took 2,055 CPU-seconds instead of 1,637, the host units
# built once a dir.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/library_names.sh
source scripts/cross/env.sh
source scripts/windows/env.sh

bin=addons/mcp_uv_cache_cleanup/bin
mkdir -p "$bin"

platforms=("$@")
((${#platforms[@]})) || platforms=("${PLATFORMS[@]}")
for platform in "${platforms[@]}"; do
    platform_rust_targets "$platform" > /dev/null
    if [[ "$platform" == windows-x86_64 ]]; then
        require_windows_toolchain
    else
        require_cross_toolchain
    fi
done

# Every library in one go (cross_build: one cargo run for the targets that
# build the same standard library), then each copied and checked in turn.
targets=()
for platform in "${platforms[@]}"; do
    mapfile -t -O "${#targets[@]}" targets < <(platform_rust_targets "$platform")
done
mapfile -t built < <(IFS=,; cross_build "${targets[*]}")
if ((${#built[@]} != ${#targets[@]})); then
    echo "build-libraries: the build failed (its output above)" >&2
    exit 1
fi
i=0
for platform in "${platforms[@]}"; do
    shipped="$bin/$(shipped_library_name "$platform")"
    if [[ "$platform" == macos-universal ]]; then
        "$LLVM_BIN/llvm-lipo" -create -output "$shipped" "${built[i]}" "${built[i + 1]}"
        i=$((i + 2))
    else
        cp "${built[i]}" "$shipped"
        i=$((i + 1))
    fi
    tests/cross/check_library.sh "$platform" "$shipped"
done
