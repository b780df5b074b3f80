#!/usr/bin/env bash
# Checks that a Windows DLL loads on a stock Windows 10/11 with only Godot
# installed: it must export gdext_rust_init and import nothing but system
# DLLs (no libgcc_s_seh-1.dll, no libwinpthread-1.dll).
#
#   tests/check_dll_imports.sh path/to/mcp_uv_cache_cleanup.dll
set -euo pipefail

dll="$1"
objdump=x86_64-w64-mingw32-objdump
# DLLs every Windows 10/11 has; api-ms-win-* are API sets of the system.
allowed='^(kernel32|ntdll|advapi32|bcrypt|bcryptprimitives|ws2_32|userenv|msvcrt|ucrtbase|user32|shell32|ole32|oleaut32|crypt32|secur32|synchronization|api-ms-win-[a-z0-9-]+)\.dll$'

header="$("$objdump" -p "$dll")"
if ! "$objdump" -f "$dll" | grep -q "file format pei-x86-64"; then
    echo "check_dll_imports: $dll is not a PE32+ x86-64 image" >&2
    exit 1
fi
mapfile -t imports < <(sed -n 's/^\s*DLL Name: //p' <<< "$header" | tr 'A-Z' 'a-z' | sort -u)
if ((${#imports[@]} == 0)); then
    echo "check_dll_imports: no import table found in $dll" >&2
    exit 1
fi
bad=()
for name in "${imports[@]}"; do
    [[ "$name" =~ $allowed ]] || bad+=("$name")
done
if ! grep -qw 'gdext_rust_init' <<< "$header"; then
    echo "check_dll_imports: $dll does not export gdext_rust_init" >&2
    exit 1
fi
echo "check_dll_imports: imports ${imports[*]}"
if ((${#bad[@]})); then
    echo "check_dll_imports: FAIL: non-system DLLs imported: ${bad[*]}" >&2
    exit 1
fi
echo "check_dll_imports: OK (only system DLLs; exports gdext_rust_init)"
