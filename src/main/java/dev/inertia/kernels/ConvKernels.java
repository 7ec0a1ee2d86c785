package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Lowering of a 2-D convolution to GEMM. For one image of {@code channels} planes
 * ({@code h × w} each, geometry {@code g}), {@code im2col} writes the matrix
 * {@code col[(c, ky, kx), (oy, ox)]} of shape {@code [channels·kh·kw, outH·outW]} (zero where
 * the window reads padding); {@code col2im} is its adjoint: it sums every column entry back
 * into the image position it came from, overwriting {@code x}. Rows of the column matrix are
 * {@code ldCol} elements apart ({@code ldCol >= outH·outW}), so that the column blocks of several
 * images can sit side by side in one wider matrix, the operand of one large GEMM.
 */
public interface ConvKernels {
    void im2colF32(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol);

    void im2colF64(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol);

    void col2imF32(MemorySegment col, long colOff, int ldCol, int channels, Window2d g, MemorySegment x, long xOff);

    void col2imF64(MemorySegment col, long colOff, int ldCol, int channels, Window2d g, MemorySegment x, long xOff);

    /** {@link #im2colF32(MemorySegment, long, int, Window2d, MemorySegment, long, int)} into a packed column matrix. */
    default void im2colF32(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff) {
        im2colF32(x, xOff, channels, g, col, colOff, g.outH() * g.outW());
    }

    /** {@link #im2colF64(MemorySegment, long, int, Window2d, MemorySegment, long, int)} into a packed column matrix. */
    default void im2colF64(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff) {
        im2colF64(x, xOff, channels, g, col, colOff, g.outH() * g.outW());
    }

    /** {@link #col2imF32(MemorySegment, long, int, int, Window2d, MemorySegment, long)} from a packed column matrix. */
    default void col2imF32(MemorySegment col, long colOff, int channels, Window2d g, MemorySegment x, long xOff) {
        col2imF32(col, colOff, g.outH() * g.outW(), channels, g, x, xOff);
    }

    /** {@link #col2imF64(MemorySegment, long, int, int, Window2d, MemorySegment, long)} from a packed column matrix. */
    default void col2imF64(MemorySegment col, long colOff, int channels, Window2d g, MemorySegment x, long xOff) {
        col2imF64(col, colOff, g.outH() * g.outW(), channels, g, x, xOff);
    }
}
