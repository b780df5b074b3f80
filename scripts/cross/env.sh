# shellcheck shell=bash
# Sourced by scripts/build-libraries.sh and the tests that run cross-built
# code: how each platform's library is built on Linux.
#
# rustup here has only the host's standard library and cannot fetch another,
# so every library is built by Debian's Rust (rustc-web, cargo-web and the std
# source in rust-web-src), which builds each target's std with -Zbuild-std
# (but Linux x86_64's, which it ships prebuilt; build_std_crates says why);
# RUSTC_BOOTSTRAP=1 lets that stable compiler take the -Z flag. zig (PyPI
# ziglang, driven by cargo-zigbuild) is the C toolchain and linker for Linux
# (both CPUs: Debian's Rust builds every library, the host's too) and Windows
# arm64; macOS links with LLVM's ld64.lld against the libSystem
# stub zig ships. Windows x86_64 keeps mingw-w64 (cross_target_env).
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

# The standard library crates TARGET builds with -Zbuild-std: nothing for
# Linux x86_64, whose std Debian ships prebuilt (libstd-rust-web-dev, a
# dependency of rustc-web).
#
# Building std is over a minute of a target's first build (the Linux x86_64
# library: 162 s with -Zbuild-std, 91 s without), and the prebuilt one keeps
# the glibc floor. Debian's Linux arm64 std (libstd-rust-web-dev:arm64) does
# not: it needs gettid@GLIBC_2.30, which tests/cross/check_library.sh
# rejects. Every other target builds its own std.
#
# That std includes libtest, for a library build too, on every target a
# suite runs for (not macOS): cargo makes every crate of the target depend on
# each std crate it builds, and a test build needs libtest, so without it in
# both a test build of the target shares nothing with the library build and
# compiles std and every dependency again (3 minutes a suite). The library
# links none of libtest.
build_std_crates() {
    case "${1%%.*}" in
        "$DEBIAN_STD_TARGET") ;;
        *-apple-darwin) echo std,panic_unwind ;;
        *) echo std,panic_unwind,test ;;
    esac
}

# Exports TARGET's own cargo settings (CARGO_TARGET_<TRIPLE>_*: each names
# its target, so those of several targets live side by side in one cargo
# run). Every build of TARGET, library or tests, goes through here: a setting
# that differed between them would rebuild every dependency.
#   Linux: none here; cargo-zigbuild links (debian_cargo).
#   Windows x86_64: mingw-w64's gcc links, and the binaries drop their symbol
#     table: mingw-w64's ld keeps the COFF one (3 of the DLL's 7.5 MB), which
#     the other linkers here leave out by themselves. The flag is the
#     target's rustflags, not the profile's `strip`: a profile setting
#     reaches the build scripts and proc macros too, which the other targets
#     then could not share (measured: the DLL built after the Linux arm64
#     library took 285 CPU-seconds in the same target dir, against 327 in a
#     dir of its own).
#   Windows arm64: zig through scripts/cross/zig-def-linker.
#   macOS: ld64.lld called directly (rustc's darwin-lld flavor), so rustc's
#     -exported_symbols_list reaches a linker that honours it. The install
#     name is @rpath/..., as Apple's toolchain would make it, not the path of
#     this build. ld64.lld signs the arm64 slice (ad hoc), as macOS on Apple
#     silicon requires; nothing edits the slices afterwards, which would
#     break that signature. SDKROOT: the minimal SDK of macos_sdk. The
#     floor: scripts/cross/rustc-for-target.
cross_target_env() {
    local target="${1%%.*}" variable
    variable="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<< "$target")"
    case "$target" in
        *-unknown-linux-gnu) ;;
        x86_64-pc-windows-gnu)
            export "${variable}_LINKER=x86_64-w64-mingw32-gcc" "${variable}_RUSTFLAGS=-Cstrip=symbols"
            ;;
        aarch64-pc-windows-gnullvm)
            export "${variable}_LINKER=$PWD/scripts/cross/zig-def-linker"
            ;;
        *-apple-darwin)
            SDKROOT="$(realpath "$(macos_sdk)")" || return
            export SDKROOT "${variable}_LINKER=$LLVM_BIN/ld64.lld"
            export "${variable}_RUSTFLAGS=-Zunstable-options -Clinker-flavor=darwin-lld -Clink-arg=-dead_strip_dylibs -Clink-arg=-install_name -Clink-arg=@rpath/$(cargo_library_name macos)"
            ;;
        *)
            echo "cross_target_env: no recipe for $target" >&2
            return 2
            ;;
    esac
}

# Runs Debian's cargo for the TARGETs, one cargo run for all of them:
#   debian_cargo SUBCOMMAND TARGET[,TARGET...] ARGS...
# in CROSS_TARGET_DIR, which every target shares (one compiler, so their
# build scripts and proc macros are compiled once), each target with the
# settings of cross_target_env and its standard library built
# (build_std_crates: the TARGETs of one run must agree on it). One run for
# several targets keeps both cores busy: one target's build is mostly one
# crate after another (core, std, godot-core, this crate).
#
# When a TARGET is Linux, cargo-zigbuild drives cargo, and zig links that
# target at the glibc floor. Every rustc goes through
# scripts/cross/rustc-for-target, which sets the macOS floor of the target
# it compiles for. Only this subshell points at Debian's Rust; rustup's
# stays first on PATH for everything else. Variables set before the call
# (SDKROOT, a runner) reach cargo.
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
    local subcommand="$1" targets std_crates target
    IFS=, read -ra targets <<< "$2"
    shift 2
    std_crates="$(build_std_crates "${targets[0]}")"
    local driver=(/usr/bin/cargo) target_args=()
    for target in "${targets[@]}"; do
        if [[ "$(build_std_crates "$target")" != "$std_crates" ]]; then
            echo "debian_cargo: $target's standard library differs from ${targets[0]}'s: build them apart" >&2
            return 2
        fi
        if [[ "$target" == *-linux-gnu ]]; then
            driver=("$(command -v cargo-zigbuild)")
            # zigbuild reads the glibc floor from the target's name.
            target="$target.$GLIBC_FLOOR"
        fi
        target_args+=(--target "$target")
    done
    if [[ "${driver[0]}" != /usr/bin/cargo && "$subcommand" == build ]]; then
        subcommand=zigbuild
    fi
    local build_std=()
    [[ -n "$std_crates" ]] && build_std=("-Zbuild-std=$std_crates" -Zbuild-std-features=panic-unwind)
    (
        for target in "${targets[@]}"; do
            cross_target_env "$target" || exit
        done
        MCP_UVCC_ZIG="$(zig_dir)/zig"
        export MCP_UVCC_ZIG PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
        export RUSTC_WRAPPER="$PWD/scripts/cross/rustc-for-target"
        "${driver[@]}" "$subcommand" "${build_std[@]}" "${target_args[@]}" \
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

# Builds the release library of each TARGET with the extra cargo ARGS
# (features), and prints the paths of the files cargo wrote, one per line,
# in the order of the TARGETs:
#   cross_build TARGET[,TARGET...] ARGS...
# The TARGETs that build the same standard library (build_std_crates) are
# built in one cargo run, the others in a run each.
cross_build() {
    local targets target std_crates
    IFS=, read -ra targets <<< "$1"
    shift
    local groups=() group_std=() i found
    for target in "${targets[@]}"; do
        std_crates="$(build_std_crates "$target")"
        found=false
        for i in "${!group_std[@]}"; do
            if [[ "${group_std[$i]}" == "$std_crates" ]]; then
                groups[i]+=",$target"
                found=true
            fi
        done
        "$found" || { group_std+=("$std_crates"); groups+=("$target"); }
    done
    for i in "${!groups[@]}"; do
        debian_cargo build "${groups[$i]}" --release --lib "$@" >&2 || return
    done
    for target in "${targets[@]}"; do
        case "$target" in
            *-linux-gnu) echo "$CROSS_TARGET_DIR/$target/release/$(cargo_library_name linux)" ;;
            *-windows-*) echo "$CROSS_TARGET_DIR/$target/release/$(cargo_library_name windows)" ;;
            *-apple-darwin) echo "$CROSS_TARGET_DIR/$target/release/$(cargo_library_name macos)" ;;
        esac
    done
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
