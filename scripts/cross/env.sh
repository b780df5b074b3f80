# shellcheck shell=bash
# Sourced by scripts/build-libraries.sh and the tests that run cross-built
# code: how each platform's library is built on Linux.
#
# rustup here has only the host's standard library and cannot fetch another,
# so every library is built by Debian's Rust (rustc-web, cargo-web and the std
# source in rust-web-src), which builds each target's std with -Zbuild-std
# (but Linux x86_64's, which it ships prebuilt; debian_cargo says why);
# RUSTC_BOOTSTRAP=1 lets that stable compiler take the -Z flag. zig (PyPI
# ziglang, driven by cargo-zigbuild) is the C toolchain and linker for Linux
# (both CPUs: Debian's Rust builds every library, the host's too) and Windows
# arm64; macOS links with LLVM's ld64.lld against the libSystem
# stub zig ships. Windows x86_64 keeps mingw-w64 (scripts/windows/env.sh).
#
# The floors (glibc, macOS) are in scripts/library_names.sh. zig's linker
# drops the export list rustc passes for Windows (a .def file), so
# scripts/cross/zig-def-linker hands it over as a plain input; macOS links
# with ld64.lld directly for the same reason.

source scripts/toolchains.sh

CROSS_TARGET_DIR=target/cross
# The one target debian_cargo builds with Debian's prebuilt std.
DEBIAN_STD_TARGET=x86_64-unknown-linux-gnu
LLVM_BIN=/usr/lib/llvm-22/bin

# Fails with one line naming what is missing: Debian packages, or the PyPI
# packages ziglang and cargo-zigbuild.
require_cross_toolchain() {
    require_debian_packages "${CROSS_PACKAGES[@]}" "$@" || return
    if ! command -v cargo-zigbuild > /dev/null || ! python3 -c 'import ziglang' 2> /dev/null; then
        echo "missing PyPI packages: ziglang, cargo-zigbuild (pip install ziglang cargo-zigbuild)" >&2
        return 1
    fi
}

# The directory of the zig that ships in PyPI's ziglang.
zig_dir() {
    python3 -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))'
}

# Runs Debian's cargo (or, with --zigbuild, cargo-zigbuild driving it) for
# TARGET with its own std: debian_cargo [--zigbuild] SUBCOMMAND TARGET
# ARGS..., in CROSS_TARGET_DIR, which every target shares (one compiler, so
# their build scripts and proc macros are compiled once). Only this subshell
# points at Debian's Rust; rustup's stays first on PATH for everything else.
# Variables set before the call (a linker, SDKROOT) reach cargo.
#
# Linux x86_64 links the std Debian ships prebuilt (libstd-rust-web-dev, a
# dependency of rustc-web): building std is over a minute of a target's first
# build (the Linux x86_64 library: 162 s with -Zbuild-std, 91 s without), and
# the library it makes keeps the glibc floor. Debian's Linux arm64 std
# (libstd-rust-web-dev:arm64) does not: it needs gettid@GLIBC_2.30, which
# tests/cross/check_library.sh rejects. Every other target builds its own std.
# That std includes libtest, for a library build too, on every target a
# suite runs for (not macOS): cargo makes every crate of the target depend on
# each std crate it builds, and a test build needs libtest, so without it in
# both a test build of the target shares nothing with the library build and
# compiles std and every dependency again (3 minutes a suite). The library
# links none of libtest.
#
# That std is built without its `backtrace` feature (cargo's default adds
# it): the symbolizer it brings (gimli, addr2line, object, miniz_oxide,
# rustc-demangle) is about 30 CPU-seconds of each target's build (the Linux
# arm64 library: 348 instead of 378) and 12% of the library (1,211,888
# bytes instead of 1,380,896). Nothing is lost that a user sees: the
# libraries ship without debug info, gdext prints a backtrace only in its
# strict-safeguard (debug) builds and with RUST_BACKTRACE set, and a panic
# still reports its message and source location. Under that variable a
# panic's backtrace reads "unsupported" instead.
debian_cargo() {
    local driver=(/usr/bin/cargo) zigbuild=false
    if [[ "$1" == --zigbuild ]]; then
        zigbuild=true
        shift
    fi
    local subcommand="$1" target="$2"
    shift 2
    if "$zigbuild"; then
        driver=("$(command -v cargo-zigbuild)")
        [[ "$subcommand" == build ]] && subcommand=zigbuild
    fi
    local build_std=("-Zbuild-std=std,panic_unwind,test" -Zbuild-std-features=panic-unwind)
    [[ "$target" == *-apple-darwin ]] && build_std[0]="-Zbuild-std=std,panic_unwind"
    # zigbuild's TARGET carries the glibc floor (x86_64-unknown-linux-gnu.2.28).
    [[ "${target%%.*}" == "$DEBIAN_STD_TARGET" ]] && build_std=()
    (
        export PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
        "${driver[@]}" "$subcommand" "${build_std[@]}" --target "$target" \
            --target-dir "$CROSS_TARGET_DIR" "$@"
    )
}

# Prints, one per line, the arguments that select the crate's unit tests and
# every tests/*.rs but the NAMEs given (an emulated suite's leave-outs):
#   mapfile -t args < <(tests_except NAME...)
tests_except() {
    local file name
    echo --lib
    for file in tests/*.rs; do
        name="$(basename "$file" .rs)"
        [[ " $* " == *" $name "* ]] || printf '%s\n' --test "$name"
    done
}

# Builds TARGET's release library with the extra cargo ARGS (features), and
# prints the path of the file cargo wrote.
cross_build() {
    local target="$1" os
    shift
    case "$target" in
        x86_64-unknown-linux-gnu | aarch64-unknown-linux-gnu)
            # Debian's Rust for the host too: one compiler per target dir, or
            # the build scripts and proc macros they share are rebuilt at
            # every switch.
            os=linux
            debian_cargo --zigbuild build "$target.$GLIBC_FLOOR" --release --lib "$@" >&2 || return
            ;;
        aarch64-pc-windows-gnullvm)
            os=windows
            MCP_UVCC_ZIG="$(zig_dir)/zig" CARGO_TARGET_AARCH64_PC_WINDOWS_GNULLVM_LINKER="$PWD/scripts/cross/zig-def-linker" \
                debian_cargo build "$target" --release --lib "$@" >&2 || return
            ;;
        x86_64-apple-darwin | aarch64-apple-darwin)
            os=macos
            local sdk variable
            sdk="$(realpath "$(macos_sdk)")"
            variable="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<< "$target")"
            # ld64.lld called directly (rustc's darwin-lld flavor), so rustc's
            # -exported_symbols_list reaches a linker that honours it. The
            # install name is @rpath/..., as Apple's toolchain would make it,
            # not the path of this build. ld64.lld signs the arm64 slice
            # (ad hoc), as macOS on Apple silicon requires; nothing edits the
            # slices afterwards, which would break that signature.
            (
                export "${variable}_LINKER=$LLVM_BIN/ld64.lld"
                export "${variable}_RUSTFLAGS=-Zunstable-options -Clinker-flavor=darwin-lld -Clink-arg=-dead_strip_dylibs -Clink-arg=-install_name -Clink-arg=@rpath/$(cargo_library_name macos)"
                MACOSX_DEPLOYMENT_TARGET="$(macos_minimum "$target")" || return
                export SDKROOT="$sdk" MACOSX_DEPLOYMENT_TARGET
                debian_cargo build "$target" --release --lib "$@" >&2
            ) || return
            ;;
        *)
            echo "cross_build: no recipe for $target" >&2
            return 2
            ;;
    esac
    echo "$CROSS_TARGET_DIR/$target/release/$(cargo_library_name "$os")"
}

# Writes (once) the minimal macOS SDK ld64.lld links against, and prints its
# path: zig's libSystem stub, made readable to ld64.lld (its Apple silicon
# entries are arm64e only: arm64 is added beside them, and the arm64e.x1
# entries, an architecture ld64.lld does not know, are dropped), libc and libm
# as the aliases of libSystem they are on macOS, and a stub of libiconv (the
# libc crate asks for it; -dead_strip_dylibs drops it again, nothing uses it).
macos_sdk() {
    local sdk="$CROSS_TARGET_DIR/macos-sdk"
    if [[ ! -f "$sdk/usr/lib/libSystem.tbd" ]]; then
        mkdir -p "$sdk/usr/lib"
        python3 - "$(zig_dir)/lib/libc/darwin/libSystem.tbd" "$sdk/usr/lib/libSystem.tbd" << 'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r",\s*arm64e\.x1-(macos|maccatalyst)", "", text)
text = text.replace("arm64e-macos", "arm64-macos, arm64e-macos")
open(sys.argv[2], "w").write(text)
PY
        ln -sf libSystem.tbd "$sdk/usr/lib/libc.tbd"
        ln -sf libSystem.tbd "$sdk/usr/lib/libm.tbd"
        cat > "$sdk/usr/lib/libiconv.tbd" << 'TBD'
--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/usr/lib/libiconv.2.dylib'
exports:
  - targets:         [ x86_64-macos, arm64-macos ]
    symbols:         [ _iconv, _iconv_open, _iconv_close ]
...
TBD
        cp "$(zig_dir)/lib/libc/darwin/SDKSettings.json" "$sdk/"
    fi
    echo "$sdk"
}
