#!/usr/bin/env bash
# Builds the release archive: target/release-archive/mcp_uv_cache_cleanup-VERSION.zip
# (VERSION: scripts/version.sh), which unpacks to addons/mcp_uv_cache_cleanup/
# with every library (scripts/build-libraries.sh), the .gdextension, the
# plugin hook, the godot-ai integration file, the license, the changelog and a
# short README; the same LICENSE, README.md and CHANGELOG.md sit beside
# addons/ at the top, so that Godot's asset installer never takes addons/ for
# a wrapper folder to strip (tests/archive/check_archive.py).
#
#   scripts/build-release.sh             build every library, then the zip
#   scripts/build-release.sh --no-build  zip the libraries already in bin/
#
# Fails, naming them, if any library the .gdextension lists is missing. Prints
# the archive's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/library_names.sh

if [[ "${1:-}" != "--no-build" ]]; then
    scripts/build-libraries.sh
fi

addon=addons/mcp_uv_cache_cleanup
scripts/version.sh --check
version="$(scripts/version.sh)"
out_dir=target/release-archive
archive="$out_dir/mcp_uv_cache_cleanup-$version.zip"

missing=()
for platform in "${PLATFORMS[@]}"; do
    name="$(shipped_library_name "$platform")"
    [[ -f "$addon/bin/$name" ]] || missing+=("$name")
    grep -q "/bin/$name\"" "$addon/mcp_uv_cache_cleanup.gdextension" ||
        missing+=("$name (not in the .gdextension)")
done
if ((${#missing[@]})); then
    echo "build-release: missing libraries: ${missing[*]} (scripts/build-libraries.sh)" >&2
    exit 1
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
target="$staging/addons/mcp_uv_cache_cleanup"
mkdir -p "$target/bin"
# Only what git tracks, plus the libraries: no editor leftovers (.uid files
# of a local run, .import files) reach users.
git ls-files "$addon" | grep -v '/bin/' | while read -r file; do
    mkdir -p "$target/$(dirname "${file#"$addon"/}")"
    cp "$file" "$target/${file#"$addon"/}"
done
for platform in "${PLATFORMS[@]}"; do
    cp "$addon/bin/$(shipped_library_name "$platform")" "$target/bin/"
done
cp LICENSE "$target/LICENSE"
cp CHANGELOG.md "$target/CHANGELOG.md"
cp LICENSE CHANGELOG.md "$staging/"
cp "$addon/README.md" "$staging/README.md"

mkdir -p "$out_dir"
rm -f "$archive"
# Fixed timestamps and order, so the same inputs give the same archive.
find "$staging" -exec touch -h -d '2000-01-01 00:00:00 UTC' {} +
(cd "$staging" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | zip -q -X -@ "$OLDPWD/$archive")
echo "build-release: $(unzip -Z1 "$archive" | grep -c -v '/$') files"
echo "$archive"
