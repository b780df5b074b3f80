#!/usr/bin/env bash
# Builds the native addon (release) for this machine into
# addons/mcp_uv_cache_cleanup/bin/, then runs a demo sweep on a generated
# sample cache and prints the Dictionary the Godot method would return.
#
#   scripts/build-addon.sh            build + demo
#   scripts/build-addon.sh --no-demo  build only (used by the test runner)
#
# Two libraries, as the .gdextension names them: the editor's, with the
# classes' help pages (feature editor-docs), and the one export templates
# load, without them (gdext warns when a template loads docs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/library_names.sh

case "$(uname -s)" in
    Linux*) os=linux ;;
    Darwin*) os=macos ;;
    MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) echo "build-addon: unsupported host $(uname -s)" >&2; exit 1 ;;
esac
bin=addons/mcp_uv_cache_cleanup/bin
mkdir -p "$bin"
for variant in template editor; do
    cargo build --release --lib $(variant_features "$variant")
    cp "target/release/$(cargo_library_name "$os")" "$bin/$(shipped_library_name "$os" "$variant")"
    echo "built $bin/$(shipped_library_name "$os" "$variant")"
done

if [[ "${1:-}" != "--no-demo" ]]; then
    cargo run --release --quiet --example demo_sweep
fi
