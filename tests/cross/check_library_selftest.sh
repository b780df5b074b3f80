#!/usr/bin/env bash
# Proves that tests/cross/check_library.sh can fail: each rule it enforces is shown
# a small C library (built here in seconds) that breaks that rule alone, and
# must reject it with that rule's message. A check that cannot fail proves
# nothing.
#
#   tests/cross/check_library_selftest.sh
#
# Needs gcc, mingw-w64 (gcc-mingw-w64-x86-64), zig and LLVM's tools
# (scripts/cross/env.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/library_names.sh
source scripts/cross/env.sh

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
zig=(python3 -m ziglang)

# The entry symbols a library must export, and nothing else.
entry_c() {
    printf 'int gdext_rust_init(void) { return 1; }\n'
    printf 'int mcp_uv_cache_cleanup_gdext_init(void) { return 2; }\n'
}
# gdext's Linux reload workaround, exported by every real Linux library; it
# calls into libc, as the real one does, so the library links glibc.
linux_entry_c() {
    entry_c
    printf '#include <string.h>\nunsigned long __cxa_thread_atexit_impl(const char *s) { return strlen(s); }\n'
}

# Runs the check on FILE as PLATFORM and fails unless it rejects it with a
# line containing MESSAGE.
expect_rejected() {
    local platform="$1" file="$2" message="$3" label="$4"
    if tests/cross/check_library.sh "$platform" "$file" > "$scratch/out" 2>&1; then
        cat "$scratch/out"
        echo "check_library_selftest: FAIL: accepted $label" >&2
        exit 1
    fi
    if ! grep -qF -- "$message" "$scratch/out"; then
        cat "$scratch/out"
        echo "check_library_selftest: FAIL: rejected $label, but not for '$message'" >&2
        exit 1
    fi
    echo "check_library_selftest: rejects $label ($message)"
}

# Linux x86_64, linked with zig at the glibc floor: the control, accepted.
linux_entry_c > "$scratch/good.c"
"${zig[@]}" cc -target "x86_64-linux-gnu.$GLIBC_FLOOR" -shared -fPIC -o "$scratch/good.so" "$scratch/good.c"
tests/cross/check_library.sh linux-x86_64 "$scratch/good.so" > /dev/null
echo "check_library_selftest: accepts a library that keeps every rule"

expect_rejected linux-arm64 "$scratch/good.so" "expected elf64-littleaarch64" "an x86_64 library as arm64"

{ linux_entry_c; printf 'int rust_internal_symbol(void) { return 3; }\n'; } > "$scratch/extra.c"
"${zig[@]}" cc -target "x86_64-linux-gnu.$GLIBC_FLOOR" -shared -fPIC -o "$scratch/extra.so" "$scratch/extra.c"
expect_rejected linux-x86_64 "$scratch/extra.so" "exports 4 symbols" "one export too many"

# Linked against this machine's glibc (2.36): dlsym has GLIBC_2.34 since
# libdl moved into libc.
{ printf '#include <dlfcn.h>\n'; entry_c; printf 'void *__cxa_thread_atexit_impl(void) { return dlsym(0, "x"); }\n'; } \
    > "$scratch/new_glibc.c"
gcc -shared -fPIC -o "$scratch/new_glibc.so" "$scratch/new_glibc.c"
expect_rejected linux-x86_64 "$scratch/new_glibc.so" "newer than GLIBC_$GLIBC_FLOOR" "a library linked on a current glibc"

gcc -shared -fPIC -o "$scratch/libstdcxx.so" "$scratch/good.c" -Wl,--no-as-needed -lstdc++
expect_rejected linux-x86_64 "$scratch/libstdcxx.so" "links a non-system library: libstdc++.so.6" "a library that needs libstdc++"

{ linux_entry_c; printf 'const char padding[8 << 20] = {1};\nconst char *keep(void) { return padding; }\n'; } > "$scratch/big.c"
"${zig[@]}" cc -target "x86_64-linux-gnu.$GLIBC_FLOOR" -shared -fPIC -o "$scratch/big.so" "$scratch/big.c"
expect_rejected linux-x86_64 "$scratch/big.so" "more than" "an 8 MB library"

# Windows: the mingw runtime's threads DLL is not on a stock Windows.
{ printf '#include <pthread.h>\n'; entry_c; printf 'int use(void) { return (int)(long long)pthread_self(); }\n'; } > "$scratch/runtime.c"
x86_64-w64-mingw32-gcc -shared -o "$scratch/runtime.dll" "$scratch/runtime.c" -lpthread -shared-libgcc
expect_rejected windows-x86_64 "$scratch/runtime.dll" "links a non-system DLL: libwinpthread-1.dll" "a DLL that needs the mingw runtime"

# Windows arm64 linked by zig without the .def: every global is exported.
"${zig[@]}" cc -target aarch64-windows-gnu -shared -o "$scratch/extra.dll" "$scratch/extra.c"
expect_rejected windows-arm64 "$scratch/extra.dll" "symbols, expected exactly" "a DLL with an export too many"

# macOS: zig's default minimum is its own SDK's, not the floor Godot needs.
entry_c > "$scratch/mac.c"
"${zig[@]}" cc -target x86_64-macos -shared -o "$scratch/mac.x86_64.dylib" "$scratch/mac.c"
"${zig[@]}" cc -target aarch64-macos -shared -o "$scratch/mac.arm64.dylib" "$scratch/mac.c"
"$LLVM_BIN/llvm-lipo" -create -output "$scratch/mac.dylib" "$scratch/mac.x86_64.dylib" "$scratch/mac.arm64.dylib"
expect_rejected macos-universal "$scratch/mac.dylib" "minimum macOS is" "a dylib with the toolchain's default minimum macOS"
expect_rejected macos-universal "$scratch/mac.arm64.dylib" "expected arm64 and x86_64" "a single-architecture dylib"

echo "check_library_selftest: every rule rejects what breaks it"
