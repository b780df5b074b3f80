# shellcheck shell=bash
# Sourced by tests/cross/windows_arm64_under_wine.sh: Debian 12's arm64 Wine (8.0, with
# native aarch64 PE DLLs), run on this x86_64 machine by qemu-aarch64 from an
# extracted arm64 root. Nothing is installed system-wide: the packages are
# downloaded (apt-get download, which needs `dpkg --add-architecture arm64`
# and an `apt-get update` once) and unpacked under ARM64_WINE_DIR.
#
# Without binfmt_misc the kernel cannot start an arm64 program, and Wine
# starts its helpers (a new process, the wineserver) by exec'ing them. So:
# - usr/lib/wine/wine64 becomes a wrapper that re-execs the real loader
#   through qemu, with argv[0] set to the wrapper (-0), because Wine finds
#   itself, and re-execs, by that name;
# - usr/lib/wine/wineserver, the script Wine runs to start the server, runs
#   the arm64 wineserver64 through qemu (else it would find the host's amd64
#   wineserver: "wineserver doesn't support the aa64 architecture").

source scripts/windows/env.sh

ARM64_WINE_DIR=target/arm64-wine
# arm64 packages: Wine and the shared libraries its loader and server need.
ARM64_WINE_PACKAGES=(wine64 libwine libunwind8 libc6 liblzma5 libgcc-s1)

# Fails with one line naming what is missing: qemu-user on the host, or the
# arm64 architecture in dpkg (whose package lists apt-get download reads).
require_arm64_wine() {
    require_debian_packages "${QEMU_ARM64[@]}" || return
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        echo "missing: the arm64 architecture in dpkg (dpkg --add-architecture arm64 && apt-get update)" >&2
        return 1
    fi
}

# Prints the arm64 root, unpacking it first when needed (about 100 MB; kept
# in ARM64_WINE_DIR across runs).
arm64_wine_root() {
    local root="$PWD/$ARM64_WINE_DIR/root" debs="$ARM64_WINE_DIR/debs"
    if [[ ! -x "$root/usr/lib/wine/wine64.real" ]]; then
        rm -rf "$root" "$debs"
        mkdir -p "$root" "$debs"
        (cd "$debs" && apt-get download -qq "${ARM64_WINE_PACKAGES[@]/%/:arm64}" 2> /dev/null) >&2 || {
            echo "arm64_wine_root: apt-get download failed (run: dpkg --add-architecture arm64 && apt-get update)" >&2
            return 1
        }
        for deb in "$debs"/*.deb; do
            dpkg -x "$deb" "$root"
        done
        mv "$root/usr/lib/wine/wine64" "$root/usr/lib/wine/wine64.real"
    fi
    # Written at every call: they name the root, which moves with the checkout.
    printf '#!/bin/sh\nexec qemu-aarch64 -L "%s" -0 "$0" "%s" "$@"\n' \
        "$root" "$root/usr/lib/wine/wine64.real" > "$root/usr/lib/wine/wine64"
    printf '#!/bin/sh\nexec qemu-aarch64 -L "%s" "%s" "$@"\n' \
        "$root" "$root/usr/lib/wine/wineserver64" > "$root/usr/lib/wine/wineserver"
    chmod +x "$root/usr/lib/wine/wine64" "$root/usr/lib/wine/wineserver"
    echo "$root"
}

# make_wine_prefix (scripts/windows/env.sh) for the arm64 Wine: points
# MCP_UVCC_WINE_LOADER (exported, for scripts/windows/arm64-wine-runner) at it, then
# makes the prefix at DIR with the Windows arm64 C compiler CC.
#   make_arm64_wine_prefix DIR CC...
make_arm64_wine_prefix() {
    MCP_UVCC_WINE_LOADER="$(arm64_wine_root)/usr/lib/wine/wine64" || return
    export MCP_UVCC_WINE_LOADER
    make_wine_prefix "$@"
}
