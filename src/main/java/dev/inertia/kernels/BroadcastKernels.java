package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Broadcasting of a per-channel vector over a tensor seen as {@code [outer, channels, inner]}
 * (row-major), and the reductions that are its adjoints. A bias of a linear layer is
 * {@code outer = rows, inner = 1}; a convolution's bias over NCHW is {@code outer = N,
 * inner = H*W}; a scalar is {@code outer = 1, channels = 1, inner = size}. Offsets count
 * elements; {@code out} may be the same memory as {@code x}.
 *
 * <p>The sums accumulate in the data's precision; the SIMD path adds in a different order than
 * the scalar twin, so results agree to rounding, not bitwise.
 */
public interface BroadcastKernels {
    /** out[o, c, i] = x[o, c, i] + b[c] */
    void addBiasF32(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int outer,
            int channels, int inner);

    void addBiasF64(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int outer,
            int channels, int inner);

    /** out[o, c, i] = x[o, c, i] * b[c] */
    void mulBiasF32(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int outer,
            int channels, int inner);

    void mulBiasF64(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int outer,
            int channels, int inner);

    /** out[o, c, i] = x[o, c, i] / b[c] */
    void divBiasF32(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int outer,
            int channels, int inner);

    void divBiasF64(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int outer,
            int channels, int inner);

    /** db[c] = alpha * sum over o, i of dy[o, c, i], plus the old db[c] when {@code accumulate} */
    void sumBiasF32(MemorySegment dy, long dyOff, MemorySegment db, long dbOff, int outer, int channels, int inner,
            float alpha, boolean accumulate);

    void sumBiasF64(MemorySegment dy, long dyOff, MemorySegment db, long dbOff, int outer, int channels, int inner,
            double alpha, boolean accumulate);

    /** db[c] = alpha * sum over o, i of x[o, c, i] * y[o, c, i], plus the old db[c] when {@code accumulate} */
    void sumProductF32(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment db, long dbOff, int outer,
            int channels, int inner, float alpha, boolean accumulate);

    void sumProductF64(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment db, long dbOff, int outer,
            int channels, int inner, double alpha, boolean accumulate);
}
