#!/usr/bin/env bash
# Builds the native addon (release) for the machine it runs on, with its own
# toolchain (cargo, no cross tools), into addons/mcp_uv_cache_cleanup/bin/,
# then runs a demo sweep on a generated sample cache and prints the
# Dictionary the Godot method would return. The quick start for a developer
# on any OS; every shipped library, as released, comes from
# scripts/build-libraries.sh.
#
#   scripts/build-addon.sh            build + demo
#   scripts/build-addon.sh --no-demo  build only
#
# One library, named as the .gdextension names it (scripts/library_names.sh).
# On macOS both CPU slices (rustup targets x86_64-apple-darwin and
# aarch64-apple-darwin) go into one universal file.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/library_names.sh

platform="$(host_platform)" || {
    echo "build-addon: unsupported host $(uname -s) $(uname -m)" >&2
    exit 1
}
os="$(platform_os "$platform")"
bin=addons/mcp_uv_cache_cleanup/bin
mkdir -p "$bin"
shipped="$bin/$(shipped_library_name "$platform")"
if [[ "$os" == macos ]]; then
    slices=()
    for target in $(platform_rust_targets "$platform"); do
        MACOSX_DEPLOYMENT_TARGET="$(macos_minimum "$target")" cargo build --release --lib --target "$target"
        slices+=("target/$target/release/$(cargo_library_name macos)")
    done
    lipo -create -output "$shipped" "${slices[@]}"
else
    cargo build --release --lib
    cp "target/release/$(cargo_library_name "$os")" "$shipped"
fi
echo "built $shipped"

if [[ "${1:-}" != "--no-demo" ]]; then
    cargo run --release --quiet --example demo_sweep
fi
