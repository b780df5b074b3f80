# shellcheck shell=bash
# shellcheck disable=SC2034 # the lists are read by the scripts that source this file
# Sourced by the build and test scripts: every library the addon ships, and
# its name, in one place.
#
# A platform is OS-ARCH with Godot's names for both (the feature tags the
# .gdextension uses): linux-x86_64, linux-arm64, windows-x86_64,
# windows-arm64, and macos-universal (x86_64 and arm64 in one file; Godot's
# macOS entries carry no arch tag).
#
# Each platform ships one library, which the editor and export templates
# both load (the classes' help pages are loaded at the editor level only,
# rust/binding/class_docs.rs). mcp_uv_cache_cleanup.gdextension names it:
# its [libraries] section is written from this file (scripts/gdextension.sh),
# so a platform is added here and nowhere else by hand.

PLATFORMS=(linux-x86_64 linux-arm64 windows-x86_64 windows-arm64 macos-universal)

# The oldest systems the libraries load on, set on purpose, never left to a
# toolchain default (tests/cross/check_library.sh checks each):
# - Linux: glibc 2.28's symbol versions, the glibc Godot's own Linux builds
#   are made for (the godotengine/buildroot SDKs); a library linked on a
#   current distribution needs 2.34+ and would not load on, say, Debian 10.
# - macOS: 10.13 on x86_64 and 11.0 on arm64, the oldest Godot 4.3 runs on
#   (zig's default would be 15.0).
GLIBC_FLOOR=2.28
MACOS_MIN_X86_64=10.13
MACOS_MIN_ARM64=11.0

# The minimum macOS of the slice for a Rust TARGET or an ARCH (x86_64-* or
# x86_64: MACOS_MIN_X86_64; otherwise arm64's).
macos_minimum() {
    case "$1" in
        x86_64*) echo "$MACOS_MIN_X86_64" ;;
        *) echo "$MACOS_MIN_ARM64" ;;
    esac
}

# The OS of PLATFORM: linux, windows or macos.
platform_os() {
    echo "${1%%-*}"
}

# The arch of PLATFORM: x86_64, arm64 or universal.
platform_arch() {
    echo "${1#*-}"
}

# The Rust targets PLATFORM is built from, one per line (macOS: two, merged
# into one file).
platform_rust_targets() {
    case "$1" in
        linux-x86_64) echo x86_64-unknown-linux-gnu ;;
        linux-arm64) echo aarch64-unknown-linux-gnu ;;
        windows-x86_64) echo x86_64-pc-windows-gnu ;;
        windows-arm64) echo aarch64-pc-windows-gnullvm ;;
        macos-universal) printf '%s\n' x86_64-apple-darwin aarch64-apple-darwin ;;
        *) echo "library_names: unknown platform '$1'" >&2; return 2 ;;
    esac
}

# The file cargo writes for OS (linux, macos or windows).
cargo_library_name() {
    case "$1" in
        linux) echo libmcp_uv_cache_cleanup.so ;;
        macos) echo libmcp_uv_cache_cleanup.dylib ;;
        windows) echo mcp_uv_cache_cleanup.dll ;;
        *) echo "library_names: unknown OS '$1'" >&2; return 2 ;;
    esac
}

# The file the addon ships for PLATFORM, in bin/:
# libmcp_uv_cache_cleanup.linux.arm64.so and the like.
shipped_library_name() {
    local name
    name="$(cargo_library_name "$(platform_os "$1")")" || return
    echo "${name%.*}.$(platform_os "$1").$(platform_arch "$1").${name##*.}"
}

# The feature tags of PLATFORM's entry in the .gdextension: os.arch, or os
# for macOS's universal file. No build tag: the editor and every template
# load the same file.
gdextension_tags() {
    local os arch
    os="$(platform_os "$1")"
    arch="$(platform_arch "$1")"
    if [[ "$arch" == universal ]]; then
        echo "$os"
    else
        echo "$os.$arch"
    fi
}

# The [libraries] entries of mcp_uv_cache_cleanup.gdextension, one per line,
# as scripts/gdextension.sh writes them.
gdextension_libraries() {
    local platform bin=res://addons/mcp_uv_cache_cleanup/bin
    for platform in "${PLATFORMS[@]}"; do
        echo "$(gdextension_tags "$platform") = \"$bin/$(shipped_library_name "$platform")\""
    done
}

# The platform of the machine this runs on (macOS: universal), or nothing.
host_platform() {
    local arch
    case "$(uname -m)" in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *) return 1 ;;
    esac
    case "$(uname -s)" in
        Linux*) echo "linux-$arch" ;;
        Darwin*) echo macos-universal ;;
        MINGW* | MSYS* | CYGWIN*) echo "windows-$arch" ;;
        *) return 1 ;;
    esac
}
