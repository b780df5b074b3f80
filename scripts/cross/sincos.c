/* sincos and sincosf for aarch64-windows-gnu, linked into the DLL by
 * scripts/cross/zig-def-linker. LLVM merges a sin and a cos of the same
 * value into one call to these GNU functions (gdext's and glam's rotation
 * code does both), and zig's mingw-w64 runtime for Windows on ARM has
 * neither. Compiled with -fno-builtin, so the compiler cannot turn the body
 * back into a call to itself; -O2 -fno-sanitize=all, so zig adds no UBSan
 * runtime calls (its default for C). */
#include <math.h>

void sincos(double x, double *s, double *c) {
    *s = sin(x);
    *c = cos(x);
}

void sincosf(float x, float *s, float *c) {
    *s = sinf(x);
    *c = cosf(x);
}
