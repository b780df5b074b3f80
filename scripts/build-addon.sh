#!/usr/bin/env bash
# Builds the native addon (release) for this machine into
# addons/mcp_uv_cache_cleanup/bin/, then runs a demo sweep on a generated
# sample cache and prints the Dictionary the Godot method would return.
#
#   scripts/build-addon.sh            build + demo
#   scripts/build-addon.sh --no-demo  build only (used by the test runner)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=addons/mcp_uv_cache_cleanup/bin
cargo build --release --lib
case "$(uname -s)" in
    Linux*) lib=libmcp_uv_cache_cleanup.so ;;
    Darwin*) lib=libmcp_uv_cache_cleanup.dylib ;;
    MINGW* | MSYS* | CYGWIN*) lib=mcp_uv_cache_cleanup.dll ;;
    *) echo "build-addon: unsupported host $(uname -s)" >&2; exit 1 ;;
esac
mkdir -p "$bin"
cp "target/release/$lib" "$bin/$lib"
echo "built $bin/$lib"

if [[ "${1:-}" != "--no-demo" ]]; then
    cargo run --release --quiet --example demo_sweep
fi
