package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Direct 2-D convolution of consecutive images, without the GEMM lowering's columns: the
 * forward pass (also the input gradient, as a convolution of dy with the flipped weights) and the
 * weight gradient. It pays where the lowering is a poor shape or its columns a memory pass of
 * their own: a first layer on raw images (an inner dimension of {@code channels·kh·kw} = 25 for a
 * 5×5 kernel on one channel leaves the microkernel storing its tile after a handful of
 * multiply-adds) and small images with many channels (columns 25 times the size of the image).
 *
 * <p>{@code x} holds {@code images × channels} planes {@code h × w}, {@code y} and {@code dy}
 * {@code images × outChannels} planes {@code outH × outW} (NCHW), the weights {@code [outChannels,
 * channels, kh, kw]}, all contiguous from their offsets (in elements). Positions in the padding
 * read zero.
 */
public interface DirectConvKernels {
    /**
     * {@code y[n, o, oy, ox] = bias[o] + Σ_(c, ky, kx) w[o, c, ky, kx] · x[n, c, oy·sh − ph + ky, ox·sw − pw + kx]},
     * accumulated from the bias (0 when {@code bias} is null) in the order c, ky, kx with fused
     * multiply-adds, padding terms included (they add a product with +0).
     */
    void convForwardF32(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff);

    void convForwardF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff);

    /**
     * {@code dw[o, c, ky, kx] += Σ_(n, oy, ox) dy[n, o, oy, ox] · x[n, c, oy·sh − ph + ky, ox·sw − pw + kx]}:
     * these images' share of the weight gradient, added to what {@code dw} holds. The order of
     * the sum over images and output pixels is the implementation's.
     */
    void convWeightGradF32(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff);

    void convWeightGradF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff);
}
