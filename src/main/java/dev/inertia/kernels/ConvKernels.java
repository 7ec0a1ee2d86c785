package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Lowering of a 2-D convolution to GEMM. For one image of {@code channels} planes
 * ({@code h × w} each, geometry {@code g}), {@code im2col} writes the matrix
 * {@code col[(c, ky, kx), (oy, ox)]} of shape {@code [channels·kh·kw, outH·outW]} (zero where
 * the window reads padding); {@code col2im} is its adjoint: it sums every column entry back
 * into the image position it came from, overwriting {@code x}.
 */
public interface ConvKernels {
    void im2colF32(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff);

    void im2colF64(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff);

    void col2imF32(MemorySegment col, long colOff, int channels, Window2d g, MemorySegment x, long xOff);

    void col2imF64(MemorySegment col, long colOff, int channels, Window2d g, MemorySegment x, long xOff);
}
