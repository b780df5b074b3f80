/*
 * Test-only stand-in for bcryptprimitives.dll under Wine 8, which lacks it.
 * Rust's standard library gets random bytes (for HashMap seeds) from
 * ProcessPrng in bcryptprimitives.dll; this provides it on top of
 * RtlGenRandom (advapi32's SystemFunction036). tests/cross/windows_x86_64_under_wine.sh builds it
 * into the throwaway Wine prefix only; the shipped DLL keeps the real import.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
