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
# One platform after another. Tried and measured: the builds in three target
# dirs side by side (cargo locks one) took 1,093 s instead of 1,184 alone,
# but 2,055 CPU-seconds instead of 1,637 (host units built once a dir, both
# cores busy doing less each); with a release build looping beside them,
# 1,632 s and 2,207 CPU-seconds, against 1,528 s and 1,499 one after another
# in an earlier run. Other work on the machine paid for them and no time
# was won.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/library_names.sh
source scripts/cross/env.sh
source scripts/windows/env.sh

bin=addons/mcp_uv_cache_cleanup/bin
mkdir -p "$bin"

# Builds PLATFORM's library and prints the path of the built file.
build_library() {
    local platform="$1"
    case "$platform" in
        windows-x86_64)
            windows_cargo build --release --lib >&2 || return
            echo "$CROSS_TARGET_DIR/$WINDOWS_TARGET/release/$(cargo_library_name windows)"
            ;;
        macos-universal)
            local slices=() target
            for target in $(platform_rust_targets "$platform"); do
                slices+=("$(cross_build "$target")") || return
            done
            local universal="$CROSS_TARGET_DIR/universal.dylib"
            "$LLVM_BIN/llvm-lipo" -create -output "$universal" "${slices[@]}"
            echo "$universal"
            ;;
        *)
            cross_build "$(platform_rust_targets "$platform")"
            ;;
    esac
}

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

for platform in "${platforms[@]}"; do
    built="$(build_library "$platform")"
    shipped="$bin/$(shipped_library_name "$platform")"
    cp "$built" "$shipped"
    tests/cross/check_library.sh "$platform" "$shipped"
done
