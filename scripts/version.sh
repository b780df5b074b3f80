#!/usr/bin/env bash
# The addon's version: written once, as [package] version in Cargo.toml, and
# shown from there inside the addon (its README's "Version" line and its
# plugin.cfg's version), in the
# archive's name (scripts/build-release.sh), in CHANGELOG.md and in the Asset
# Library listing (asset_library/listing.json, checked by
# asset_library/check_listing.py).
#
#   scripts/version.sh                 prints the version
#   scripts/version.sh --write         writes it into the addon's README, its
#                                      plugin.cfg and the listing
#   scripts/version.sh --check [TAG]   fails, saying what differs, unless the
#                                      addon's README and plugin.cfg show the
#                                      version and
#                                      CHANGELOG.md has its section; with TAG
#                                      (a release tag, e.g. v0.1.0), or when
#                                      HEAD carries v* tags, each must be
#                                      v<version>
set -euo pipefail
cd "$(dirname "$0")/.."

addon_readme=addons/mcp_uv_cache_cleanup/README.md
plugin_cfg=addons/mcp_uv_cache_cleanup/plugin.cfg

# [package] version of Cargo.toml: the first top-level `version = "..."`.
cargo_version() {
    sed -n '/^\[package\]/,/^\[/s/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1
}

# The line of the addon's README that shows VERSION.
readme_line() {
    echo "Version $1 (\`CHANGELOG.md\` says what changed)."
}

version="$(cargo_version)"
if [[ -z "$version" ]]; then
    echo "version.sh: no [package] version in Cargo.toml" >&2
    exit 1
fi

case "${1:-}" in
    "")
        echo "$version"
        ;;
    --write)
        sed -i "s/^Version .* (\`CHANGELOG.md\` says what changed)\.$/$(readme_line "$version")/" "$addon_readme"
        sed -i "s/^version=\".*\"$/version=\"$version\"/" "$plugin_cfg"
        sed -i -e "s/^\(  \"version_string\": \"\)[^\"]*\"/\1$version\"/" \
            -e "s/^\(  \"download_file\": \"mcp_uv_cache_cleanup-\)[^\"]*\.zip\"/\1$version.zip\"/" \
            asset_library/listing.json
        grep -qxF "$(readme_line "$version")" "$addon_readme" || {
            echo "version.sh: $addon_readme has no 'Version ...' line to rewrite" >&2
            exit 1
        }
        ;;
    --check)
        errors=()
        grep -qxF "$(readme_line "$version")" "$addon_readme" ||
            errors+=("$addon_readme does not say '$(readme_line "$version")' (scripts/version.sh --write)")
        grep -qxF "version=\"$version\"" "$plugin_cfg" ||
            errors+=("$plugin_cfg does not say version=\"$version\" (scripts/version.sh --write)")
        grep -q "^## \[$version\]" CHANGELOG.md ||
            errors+=("CHANGELOG.md has no '## [$version]' section")
        tags=()
        if [[ -n "${2:-}" ]]; then
            tags=("$2")
        elif git rev-parse --git-dir > /dev/null 2>&1; then
            mapfile -t tags < <(git tag --points-at HEAD --list 'v*')
        fi
        for tag in "${tags[@]}"; do
            [[ "$tag" == "v$version" ]] || errors+=("tag $tag is not v$version, the version in Cargo.toml")
        done
        if ((${#errors[@]})); then
            printf 'version.sh: %s\n' "${errors[@]}" >&2
            exit 1
        fi
        echo "version.sh: $version in Cargo.toml, the addon's README and plugin.cfg, and CHANGELOG.md${tags[*]:+; tag ${tags[*]}}"
        ;;
    *)
        echo "usage: scripts/version.sh [--write | --check [TAG]]" >&2
        exit 2
        ;;
esac
