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
# The platforms build in three target dirs side by side (library_target_dir),
# each dir's one after another: cargo locks a target dir, and one build
# keeps 2 cores busy only part of the time (the standard library, then
# gdext, then this crate, each one rustc for most of its time). Each output
# line starts with its dir's name. Measured on this 2-core machine, alone:
# 1,093 s instead of 1,184 one after another, and 2,055 CPU-seconds instead
# of 1,637 (the host units built in each dir, and two busy cores doing less
# each). With other work on the cores, the lanes' six compilers get a larger
# share of them than one does.
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
            echo "$WINDOWS_TARGET_DIR/$WINDOWS_TARGET/release/$(cargo_library_name windows)"
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

# The target dir PLATFORM builds in. Linux and Windows arm64 share
# target/cross with their test suites (tests/cross/), which reuse what the
# library builds compiled; macOS's two slices, which no suite runs, build
# beside them in a dir of their own; Windows x86_64 in windows_cargo's.
library_target_dir() {
    case "$1" in
        windows-x86_64) echo "$WINDOWS_TARGET_DIR" ;;
        macos-universal) echo target/macos ;;
        *) echo "$CROSS_TARGET_DIR" ;;
    esac
}

# Builds, installs into bin/ and checks each PLATFORM, in order.
build_lane() {
    local platform built shipped
    for platform in "$@"; do
        built="$(build_library "$platform")"
        shipped="$bin/$(shipped_library_name "$platform")"
        cp "$built" "$shipped"
        tests/cross/check_library.sh "$platform" "$shipped"
    done
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

# One lane a target dir, in the order the platforms were named.
dirs=()
for platform in "${platforms[@]}"; do
    dir="$(library_target_dir "$platform")"
    [[ " ${dirs[*]} " == *" $dir "* ]] || dirs+=("$dir")
done
lanes=()
for dir in "${dirs[@]}"; do
    lane=()
    for platform in "${platforms[@]}"; do
        [[ "$(library_target_dir "$platform")" == "$dir" ]] && lane+=("$platform")
    done
    name="$(basename "$dir")"
    echo "build-libraries: [$name] ${lane[*]} in $dir"
    # pipefail (set above) makes the lane's status the build's, not sed's.
    (CROSS_TARGET_DIR="$dir" build_lane "${lane[@]}" 2>&1 | sed -u "s/^/[$name] /") &
    lanes+=("$!:$name")
done
failed=()
for lane in "${lanes[@]}"; do
    wait "${lane%%:*}" || failed+=("${lane#*:}")
done
if ((${#failed[@]})); then
    echo "build-libraries: failed in ${failed[*]} (their lines above)" >&2
    exit 1
fi
