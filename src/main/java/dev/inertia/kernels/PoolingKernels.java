package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Maximum over windows: 2-D max pooling of {@code planes} contiguous {@code h × w} planes (NCHW
 * with planes = N·C), and the max reduction of a tensor seen as {@code [outer, n, inner]} along
 * its middle axis. Padding of a pooling window is ignored (as if -infinity).
 *
 * <p>The derivative at a tie, where several inputs of a window share its maximum, is the choice
 * {@code beta}: the window's weights are {@code beta / t} on each of its {@code t} maxima plus
 * {@code 1 - beta} on the first of them (first in row-major order). {@code beta = 0} sends
 * everything to the first index (PyTorch's max_pool), {@code beta = 1} splits uniformly (the
 * minimal-norm element), any other finite value the affine mix (outside [0, 1] the first gets
 * {@code 1 - beta + beta / t}, the others {@code beta / t}: weights of either sign that still sum
 * to 1). When the maximum is NaN, the first
 * NaN gets everything. The backward kernels overwrite all of {@code dx}; the tangent kernels
 * compute {@code t_out = sum of weights · t_x}. Windows with a tie are counted in {@code kinks}
 * (one per window) like the activation kernels count kinks.
 */
public interface PoolingKernels {
    void maxPool2dF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int planes, Window2d g);

    void maxPool2dF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int planes, Window2d g);

    void maxPool2dBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int planes, Window2d g, float beta, long[] kinks);

    void maxPool2dBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int planes, Window2d g, double beta, long[] kinks);

    void maxPool2dTangentF32(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t, long tOff,
            int planes, Window2d g, float beta, long[] kinks);

    void maxPool2dTangentF64(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t, long tOff,
            int planes, Window2d g, double beta, long[] kinks);

    /** out[o, i] = max over j of x[o, j, i] */
    void maxReduceF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int outer, int n, int inner);

    void maxReduceF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int outer, int n, int inner);

    void maxReduceBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int outer, int n, int inner, float beta, long[] kinks);

    void maxReduceBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int outer, int n, int inner, double beta, long[] kinks);

    void maxReduceTangentF32(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t, long tOff,
            int outer, int n, int inner, float beta, long[] kinks);

    void maxReduceTangentF64(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t, long tOff,
            int outer, int n, int inner, double beta, long[] kinks);
}
