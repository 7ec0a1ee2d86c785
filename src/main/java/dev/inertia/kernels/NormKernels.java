package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Batch normalization in training mode over a tensor seen as {@code [outer, channels, inner]}
 * (NCHW: outer = N, inner = H·W; a [N, C] batch: inner = 1). Statistics are per channel over
 * {@code outer · inner} values: {@code xhat = (x - mean) · invstd} with
 * {@code invstd = 1 / sqrt(var + eps)} and the biased variance; {@code y = gamma · xhat + beta}.
 */
public interface NormKernels {
    /** Writes y, and the per-channel mean and invstd that the derivatives need. */
    void batchNormF32(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment beta,
            long betaOff, MemorySegment y, long yOff, MemorySegment mean, long meanOff, MemorySegment invstd,
            long invstdOff, int outer, int channels, int inner, float eps);

    void batchNormF64(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment beta,
            long betaOff, MemorySegment y, long yOff, MemorySegment mean, long meanOff, MemorySegment invstd,
            long invstdOff, int outer, int channels, int inner, double eps);

    /**
     * Reverse mode: {@code dx = gamma·invstd·(dy - mean(dy) - xhat·mean(dy·xhat))},
     * {@code dgamma = sum(dy·xhat)}, {@code dbeta = sum(dy)}, each overwritten; a null output is
     * not computed.
     */
    void batchNormBackwardF32(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment mean,
            long meanOff, MemorySegment invstd, long invstdOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, MemorySegment dgamma, long dgammaOff, MemorySegment dbeta, long dbetaOff, int outer,
            int channels, int inner);

    void batchNormBackwardF64(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment mean,
            long meanOff, MemorySegment invstd, long invstdOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, MemorySegment dgamma, long dgammaOff, MemorySegment dbeta, long dbetaOff, int outer,
            int channels, int inner);

    /**
     * Forward mode: {@code t = gamma·invstd·(tx - mean(tx) - xhat·mean(tx·xhat)) + tgamma·xhat + tbeta};
     * a null input tangent is zero.
     */
    void batchNormTangentF32(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment mean,
            long meanOff, MemorySegment invstd, long invstdOff, MemorySegment tx, long txOff, MemorySegment tgamma,
            long tgammaOff, MemorySegment tbeta, long tbetaOff, MemorySegment t, long tOff, int outer, int channels,
            int inner);

    void batchNormTangentF64(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment mean,
            long meanOff, MemorySegment invstd, long invstdOff, MemorySegment tx, long txOff, MemorySegment tgamma,
            long tgammaOff, MemorySegment tbeta, long tbetaOff, MemorySegment t, long tOff, int outer, int channels,
            int inner);
}
