# shellcheck shell=bash
# Sourced by the Windows scripts: the cross toolchain for x86_64-pc-windows-gnu,
# and Wine.
#
# As for every other library (scripts/cross/env.sh), Debian's Rust builds the
# Windows std with -Zbuild-std; this target links with mingw-w64 rather than
# zig. Nothing here is exported: sourcing this file leaves rustup's toolchain
# in charge of everything but windows_cargo.

source scripts/cross/env.sh

WINDOWS_TARGET=x86_64-pc-windows-gnu

# debian_cargo for Windows x86_64, e.g. `windows_cargo test --release`.
windows_cargo() {
    local subcommand="$1"
    shift
    debian_cargo "$subcommand" "$WINDOWS_TARGET" "$@"
}

# Fails with a clear message when a Debian package of the toolchain (or one
# of the extra PACKAGEs) is missing.
require_windows_toolchain() {
    require_debian_packages "${WINDOWS_PACKAGES[@]}" "$@"
}

# The Wine loader every Wine call here goes through: the host's x86_64 one,
# or the arm64 one scripts/windows/arm64_wine.sh unpacks (its wineserver
# script sits beside it in both).
MCP_UVCC_WINE_LOADER="${MCP_UVCC_WINE_LOADER:-/usr/lib/wine/wine64}"

# Where make_wine_prefix keeps its pristine prefixes, one per Wine and shim
# compiler: booting a prefix takes Wine about 10 s (and a wineserver, and
# several processes that can fail to start on a loaded machine), copying one
# under a second, and a full run makes eight.
WINE_TEMPLATE_DIR="${MCP_UVCC_WINE_TEMPLATES:-$PWD/target/wine-prefixes}"

# Creates a throwaway Wine prefix at DIR for MCP_UVCC_WINE_LOADER and exports what
# every Wine run here needs: no debug noise, no Mono or Gecko install
# prompts, and our bcryptprimitives shim before any builtin (Wine 8 lacks
# the DLL that Rust's std imports for random bytes, on x86_64 and arm64;
# tests/cross/windows/bcryptprimitives_shim.c), built by the C compiler CC
# (an argv prefix; default: mingw-w64's for x86_64). DIR is a copy of a
# pristine prefix (WINE_TEMPLATE_DIR), booted the first time it is needed.
#   make_wine_prefix DIR [CC...]
make_wine_prefix() {
    local prefix="$1"
    shift
    local cc=("$@")
    ((${#cc[@]})) || cc=(x86_64-w64-mingw32-gcc)
    export WINEDEBUG=-all
    export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
    local template
    template="$(wine_prefix_template "${cc[@]}")" || return
    mkdir -p "$(dirname "$prefix")"
    # -T: the template's contents become DIR even if DIR exists (plain -a
    # would copy the template inside it, and Wine would boot a new prefix).
    cp -aT "$template" "$prefix"
    export WINEPREFIX="$prefix"
}

# Prints the pristine prefix for MCP_UVCC_WINE_LOADER and the shim compiler
# CC, booting it first if it is not there. Its name hashes all that makes it
# (the loader, its version, CC, the DLL overrides, the shim's source), so a
# change to any makes another. Booted under a temporary name and renamed
# into place: an interrupted boot leaves no prefix that looks finished.
#   wine_prefix_template CC...
wine_prefix_template() {
    local key template
    key="$({
        realpath "$MCP_UVCC_WINE_LOADER"
        "$MCP_UVCC_WINE_LOADER" --version
        printf '%s\n' "$@" "$WINEDLLOVERRIDES"
        cat tests/cross/windows/bcryptprimitives_shim.c
    } | sha256sum | cut -c 1-16)" || return
    template="$WINE_TEMPLATE_DIR/$key"
    if [[ ! -d "$template" ]]; then
        local booting="$template.booting.$$"
        rm -rf "$booting"
        mkdir -p "$WINE_TEMPLATE_DIR"
        boot_wine_prefix "$booting" "$@" >&2 || return
        # Another run may have renamed its own into place meanwhile.
        mv -T "$booting" "$template" 2> /dev/null || rm -rf "$booting"
    fi
    echo "$template"
}

# Boots a new Wine prefix at DIR and builds the shim into it with CC.
#   boot_wine_prefix DIR CC...
boot_wine_prefix() {
    export WINEPREFIX="$1"
    shift
    # Wine can fail to start a process on a loaded machine (it has in CI), and
    # a prefix is the harness's, not what is under test: one more try in an
    # empty prefix, and each failure said with wineboot's own output.
    local log="$WINEPREFIX.wineboot.log" attempt status
    for attempt in 1 2; do
        status=0
        "$MCP_UVCC_WINE_LOADER" wineboot --init > "$log" 2>&1 || status=$?
        wine_cleanup
        if ((status == 0)) && [[ ! -d "$WINEPREFIX/drive_c/windows/system32" ]]; then
            echo "(no drive_c/windows/system32 in the prefix)" >> "$log"
            status=1
        fi
        ((status == 0)) && break
        echo "make_wine_prefix: wineboot --init failed (exit $status, try $attempt of 2) in $WINEPREFIX," \
            "$(df -h --output=avail "$(dirname "$WINEPREFIX")" | tail -n 1 | tr -d ' ') free there; it printed:" >&2
        tail -n 20 "$log" | sed 's/^/    /' >&2
        ((attempt == 1)) || return "$status"
        "$(dirname "$MCP_UVCC_WINE_LOADER")/wineserver" -k 2> /dev/null || true
        rm -rf "$WINEPREFIX"
    done
    rm -f "$log"
    "$@" -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        tests/cross/windows/bcryptprimitives_shim.c -ladvapi32
}

# Waits for the prefix's wineserver to exit (it outlives the last process by
# a few seconds and holds the prefix open). No-op without a prefix.
wine_cleanup() {
    [[ -n "${WINEPREFIX:-}" ]] || return 0
    "$(dirname "$MCP_UVCC_WINE_LOADER")/wineserver" -w 2> /dev/null || true
}

# The Windows path of a Linux path, through Wine's Z: drive.
wine_path() {
    local absolute
    absolute="$(realpath "$1")"
    echo "Z:${absolute//\//\\}"
}
