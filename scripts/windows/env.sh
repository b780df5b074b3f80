# Sourced by the Windows scripts: the cross toolchain for x86_64-pc-windows-gnu.
#
# rustup's toolchain has no Windows standard library and cannot fetch one, so
# Debian's Rust (rustc-web/cargo-web, with its std source in rust-web-src)
# builds one with -Zbuild-std, linking with mingw-w64. RUSTC_BOOTSTRAP=1 lets
# that stable compiler take the -Z flag. Only these variables point at Debian's
# Rust; rustup's stays first on PATH for everything else.

source scripts/debian_packages.sh

WINDOWS_TARGET=x86_64-pc-windows-gnu
WINDOWS_CARGO=/usr/bin/cargo
# A target dir of its own: another compiler must not invalidate the host's.
WINDOWS_TARGET_DIR=target/windows
WINDOWS_PACKAGES=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64)

export RUSTC=/usr/bin/rustc
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc

# Builds std (with unwinding panics, so the binding can catch them) and the
# given cargo subcommand for Windows, e.g. `windows_cargo build --release`.
windows_cargo() {
    local subcommand="$1"
    shift
    "$WINDOWS_CARGO" "$subcommand" -Zbuild-std=std,panic_unwind --target "$WINDOWS_TARGET" \
        --target-dir "$WINDOWS_TARGET_DIR" "$@"
}

# Fails with a clear message when a Debian package of the toolchain (or one
# of the extra PACKAGEs) is missing.
require_windows_toolchain() {
    require_debian_packages "${WINDOWS_PACKAGES[@]}" "$@"
}

# Creates a throwaway Wine prefix at DIR and exports what every Wine run here
# needs: no debug noise, no Mono or Gecko install prompts, and our
# bcryptprimitives shim before any builtin (Wine 8 lacks the DLL that Rust's
# std imports for random bytes; tests/windows/bcryptprimitives_shim.c).
make_wine_prefix() {
    export WINEPREFIX="$1"
    export WINEDEBUG=-all
    export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
    /usr/lib/wine/wine64 wineboot --init > /dev/null 2>&1
    wine_cleanup
    x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        tests/windows/bcryptprimitives_shim.c -ladvapi32
}

# Waits for the prefix's wineserver to exit (it outlives the last process by
# a few seconds and holds the prefix open). No-op without a prefix.
wine_cleanup() {
    [[ -n "${WINEPREFIX:-}" ]] || return 0
    /usr/lib/wine/wineserver -w 2> /dev/null || true
}

# The Windows path of a Linux path, through Wine's Z: drive.
wine_path() {
    local absolute
    absolute="$(realpath "$1")"
    echo "Z:${absolute//\//\\}"
}
