package dev.inertia.kernels.scalar;

import dev.inertia.kernels.PrecisionKernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the rounding kernels; fp16 uses the JDK's Float.floatToFloat16 as reference. */
public final class ScalarPrecision implements PrecisionKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public void roundF16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, PrecisionKernels.roundF16(x.getAtIndex(F, xOff + i)));
        }
    }

    @Override
    public void roundBf16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, PrecisionKernels.roundBf16(x.getAtIndex(F, xOff + i)));
        }
    }

    @Override
    public void roundF32F64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, (double) (float) x.getAtIndex(D, xOff + i));
        }
    }
}
