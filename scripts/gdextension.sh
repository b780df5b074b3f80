#!/usr/bin/env bash
# Writes the [libraries] section of the addon's .gdextension from
# scripts/library_names.sh (gdextension_libraries), so the platforms are
# listed in one place:
#
#   scripts/gdextension.sh           rewrite the section
#   scripts/gdextension.sh --check   fail, with the difference, unless it is
#                                    already what the platforms say
#
# The section is the file's last; everything above it is kept as written.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/library_names.sh

file=addons/mcp_uv_cache_cleanup/mcp_uv_cache_cleanup.gdextension
wanted="$(mktemp)"
trap 'rm -f "$wanted"' EXIT
sed '/^\[libraries\]$/q' "$file" > "$wanted"
grep -qx '\[libraries\]' "$wanted" || { echo "gdextension: no [libraries] section in $file" >&2; exit 1; }
gdextension_libraries >> "$wanted"

if [[ "${1:-}" == --check ]]; then
    if ! diff -u "$file" "$wanted" >&2; then
        echo "gdextension: $file does not list the platforms of scripts/library_names.sh (run scripts/gdextension.sh)" >&2
        exit 1
    fi
    echo "gdextension: $file lists every platform of scripts/library_names.sh"
else
    cp "$wanted" "$file"
fi
