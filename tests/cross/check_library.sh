#!/usr/bin/env bash
# Checks one shipped library against what its platform needs to load on a
# stock machine with only Godot installed:
#
#   tests/cross/check_library.sh PLATFORM FILE      (PLATFORM as in scripts/library_names.sh)
#
# 1. format and architecture: ELF, PE or Mach-O for the platform's CPU (macOS:
#    one universal file with exactly x86_64 and arm64);
# 2. exports: exactly the entry symbols (gdext_rust_init, and gdext's own
#    entry it wraps; on Linux also gdext's reload workaround,
#    __cxa_thread_atexit_impl), nothing else;
# 3. links only system libraries: Linux glibc's, Windows the DLLs every
#    Windows 10/11 has, macOS libSystem;
# 4. Linux: the newest glibc symbol version it needs is no newer than
#    GLIBC_FLOOR (scripts/library_names.sh), what Godot's own builds need;
# 5. macOS: each slice's minimum macOS is the one set on purpose
#    (MACOS_MIN_X86_64, MACOS_MIN_ARM64), not a toolchain default; its install
#    name is @rpath/..., not a path of the build machine; the arm64 slice is
#    signed (ad hoc), which Apple silicon requires;
# 6. size: at most MAX_SLICE_BYTES a CPU slice. Today's libraries are about
#    2 MB; one that exports every Rust symbol is 10-20x larger.
#
# Uses LLVM's tools (Debian llvm-22), which read all three formats.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/library_names.sh
source scripts/cross/env.sh

MAX_SLICE_BYTES=$((6 * 1024 * 1024))
ENTRY_SYMBOLS=(gdext_rust_init mcp_uv_cache_cleanup_gdext_init)
# Lowercase names; api-ms-win-* are the system's API sets.
WINDOWS_SYSTEM_DLLS='^(kernel32|ntdll|advapi32|bcrypt|bcryptprimitives|ws2_32|userenv|msvcrt|ucrtbase|user32|shell32|ole32|combase|rstrtmgr|oleaut32|crypt32|secur32|synchronization|api-ms-win-[a-z0-9-]+)\.dll$'
LINUX_SYSTEM_LIBRARIES='^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1)$'
MACOS_SYSTEM_LIBRARIES='^/usr/lib/libSystem\.B\.dylib$'

platform="$1"
file="$2"
# The macOS slices, taken apart for reading.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=()
fail() { failures+=("$*"); }

# Prints sorted, unique lines of stdin.
sorted() { sort -u; }

# (The expect_ functions read stdin by redirection, never at the end of a
# pipe: a pipe's last command runs in a subshell, whose failures would be
# lost.)

# Compares the exported names (stdin) with ENTRY_SYMBOLS plus EXTRA...
expect_exports() {
    local found expected
    found="$(sorted)"
    expected="$(printf '%s\n' "${ENTRY_SYMBOLS[@]}" "$@" | sorted)"
    if [[ "$found" != "$expected" ]]; then
        local count
        count="$(grep -c . <<< "$found" || true)"
        fail "exports $count symbols, expected exactly: $(tr '\n' ' ' <<< "$expected")(first found: $(head -n 5 <<< "$found" | tr '\n' ' '))"
    fi
}

# Fails on each line of stdin that does not match the regex ALLOWED.
expect_only() {
    local allowed="$1" what="$2" name seen=0
    while read -r name; do
        [[ -z "$name" ]] && continue
        seen=1
        [[ "$name" =~ $allowed ]] || fail "links a non-system $what: $name"
    done
    ((seen)) || fail "no $what found at all (not a dynamically linked library?)"
}

check_size() {
    local bytes="$1" label="$2"
    if ((bytes > MAX_SLICE_BYTES)); then
        fail "$label is $bytes bytes, more than $MAX_SLICE_BYTES"
    fi
}

# Fails unless FILE (or SLICE) is of FORMAT (as llvm-readobj names it) and
# its header has MARK, the flag of a shared library in that format.
expect_format() {
    local format="$1" mark="$2" what="$3" path="${4:-$file}" headers found
    headers="$("$LLVM_BIN/llvm-readobj" --file-headers "$path")"
    found="$(sed -n 's/^Format: //p' <<< "$headers")"
    [[ -z "$format" || "$found" == "$format" ]] || fail "format is '$found', expected $format"
    grep -q "$mark" <<< "$headers" || fail "not a $what"
}

check_linux() {
    expect_format "elf64-$1" 'Type: SharedObject' "shared object"
    expect_exports __cxa_thread_atexit_impl < <("$LLVM_BIN/llvm-nm" -D --defined-only --extern-only \
        --format=just-symbols "$file")
    expect_only "$LINUX_SYSTEM_LIBRARIES" "library" < <("$LLVM_BIN/llvm-readobj" --needed-libs "$file" |
        sed -n 's/^ *\(lib[^ ]*\|ld-[^ ]*\)$/\1/p')
    local newest
    newest="$("$LLVM_BIN/llvm-objdump" -T "$file" | { grep -o 'GLIBC_[0-9][0-9.]*' || true; } |
        sed 's/GLIBC_//' | sort -V | tail -n 1)"
    if [[ -z "$newest" ]]; then
        fail "needs no glibc symbol version at all (not linked against glibc?)"
    elif [[ "$(printf '%s\n' "$newest" "$GLIBC_FLOOR" | sort -V | tail -n 1)" != "$GLIBC_FLOOR" ]]; then
        fail "needs GLIBC_$newest, newer than GLIBC_$GLIBC_FLOOR"
    fi
    check_size "$(stat -c %s "$file")" "the library"
    summary="glibc <= $newest"
}

check_windows() {
    expect_format "COFF-$1" IMAGE_FILE_DLL DLL
    expect_exports < <("$LLVM_BIN/llvm-readobj" --coff-exports "$file" | sed -n 's/^ *Name: //p')
    expect_only "$WINDOWS_SYSTEM_DLLS" "DLL" < <("$LLVM_BIN/llvm-readobj" --coff-imports "$file" |
        sed -n 's/^ *Name: //p' | tr 'A-Z' 'a-z')
    check_size "$(stat -c %s "$file")" "the library"
    summary="imports $("$LLVM_BIN/llvm-readobj" --coff-imports "$file" | sed -n 's/^ *Name: //p' |
        tr 'A-Z\n' 'a-z ')"
}

check_macos() {
    local archs
    archs="$("$LLVM_BIN/llvm-lipo" -archs "$file" 2> /dev/null | xargs -n 1 | sorted | xargs)"
    [[ "$archs" == "arm64 x86_64" ]] || fail "architectures are '$archs', expected arm64 and x86_64"
    summary=""
    local arch minimum
    for arch in x86_64 arm64; do
        minimum="$(macos_minimum "$arch")"
        local slice="$scratch/$arch.dylib"
        "$LLVM_BIN/llvm-lipo" -thin "$arch" -output "$slice" "$file" 2> /dev/null || {
            fail "no $arch slice"
            continue
        }
        expect_format "" 'FileType: DynamicLibrary' "dylib ($arch)" "$slice"
        # Mach-O names carry a leading underscore.
        expect_exports < <("$LLVM_BIN/llvm-nm" -g --defined-only --format=just-symbols "$slice" |
            sed 's/^_//')
        local id
        id="$("$LLVM_BIN/llvm-objdump" --macho --dylib-id "$slice" | tail -n +2)"
        [[ "$id" == "@rpath/$(cargo_library_name macos)" ]] ||
            fail "$arch: install name is '$id', expected @rpath/$(cargo_library_name macos)"
        expect_only "$MACOS_SYSTEM_LIBRARIES" "library" < <("$LLVM_BIN/llvm-objdump" --macho \
            --dylibs-used "$slice" | tail -n +2 | sed 's/^[[:space:]]*//; s/ (compatibility.*//' |
            grep -vxF -- "$id")
        grep -q 'cmd LC_CODE_SIGNATURE' <<< "$("$LLVM_BIN/llvm-objdump" --macho --private-headers "$slice")" ||
            [[ "$arch" == x86_64 ]] || fail "$arch: not signed (macOS on Apple silicon loads only signed code)"
        local headers found
        headers="$("$LLVM_BIN/llvm-objdump" --macho --private-headers "$slice")"
        # LC_BUILD_VERSION says "minos", the older LC_VERSION_MIN_MACOSX "version".
        found="$(awk '/LC_BUILD_VERSION|LC_VERSION_MIN_MACOSX/ {in_cmd = 1}
            in_cmd && ($1 == "minos" || $1 == "version") {print $2; exit}' <<< "$headers")"
        [[ "$found" == "$minimum" ]] || fail "$arch: minimum macOS is '$found', expected $minimum"
        check_size "$(stat -c %s "$slice")" "the $arch slice"
        summary+="$arch macOS $found+; "
    done
}

if [[ ! -f "$file" ]]; then
    echo "check_library: FAIL: $file: no such file" >&2
    exit 1
fi
case "$platform" in
    linux-x86_64) check_linux x86-64 ;;
    linux-arm64) check_linux littleaarch64 ;;
    windows-x86_64) check_windows x86-64 ;;
    windows-arm64) check_windows ARM64 ;;
    macos-universal) check_macos ;;
    *)
        echo "check_library: unknown platform '$platform'" >&2
        exit 2
        ;;
esac

if ((${#failures[@]})); then
    echo "check_library: FAIL: $file ($platform):" >&2
    printf '  %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "check_library: OK: $file ($platform, $(stat -c %s "$file") bytes; exports only the entry symbols; $summary)"
