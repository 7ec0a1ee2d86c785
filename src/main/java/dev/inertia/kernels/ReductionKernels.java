package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Reductions over F32 and F64 data. Sums and dot products accumulate in the data's own
 * precision; the SIMD path sums in a different order than the scalar twin, so results agree to
 * within n·eps·sum|terms|, not bitwise. Max propagates NaN; the max of nothing is -infinity and
 * its argmax is -1. Argmax returns the first index of the maximum (the first NaN if any).
 */
public interface ReductionKernels {
    float sumF32(MemorySegment x, long xOff, int n);

    double sumF64(MemorySegment x, long xOff, int n);

    float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    double dotF64(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    float maxF32(MemorySegment x, long xOff, int n);

    double maxF64(MemorySegment x, long xOff, int n);

    int argmaxF32(MemorySegment x, long xOff, int n);

    int argmaxF64(MemorySegment x, long xOff, int n);
}
