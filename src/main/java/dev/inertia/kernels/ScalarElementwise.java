package dev.inertia.kernels;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the elementwise kernels: their executable definition. */
final class ScalarElementwise implements ElementwiseKernels {
    private static final ValueLayout.OfFloat F = JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = JAVA_DOUBLE_UNALIGNED;

    @Override
    public void addF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, a.getAtIndex(F, aOff + i) + b.getAtIndex(F, bOff + i));
        }
    }

    @Override
    public void addF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, a.getAtIndex(D, aOff + i) + b.getAtIndex(D, bOff + i));
        }
    }

    @Override
    public void subF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, a.getAtIndex(F, aOff + i) - b.getAtIndex(F, bOff + i));
        }
    }

    @Override
    public void subF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, a.getAtIndex(D, aOff + i) - b.getAtIndex(D, bOff + i));
        }
    }

    @Override
    public void mulF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, a.getAtIndex(F, aOff + i) * b.getAtIndex(F, bOff + i));
        }
    }

    @Override
    public void mulF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, a.getAtIndex(D, aOff + i) * b.getAtIndex(D, bOff + i));
        }
    }

    @Override
    public void scaleF32(float alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, alpha * x.getAtIndex(F, xOff + i));
        }
    }

    @Override
    public void scaleF64(double alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, alpha * x.getAtIndex(D, xOff + i));
        }
    }

    @Override
    public void axpyF32(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        for (int i = 0; i < n; i++) {
            y.setAtIndex(F, yOff + i, Math.fma(alpha, x.getAtIndex(F, xOff + i), y.getAtIndex(F, yOff + i)));
        }
    }

    @Override
    public void axpyF64(double alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        for (int i = 0; i < n; i++) {
            y.setAtIndex(D, yOff + i, Math.fma(alpha, x.getAtIndex(D, xOff + i), y.getAtIndex(D, yOff + i)));
        }
    }

    @Override
    public void fillF32(float value, MemorySegment out, long outOff, int n) {
        if (Float.floatToRawIntBits(value) == 0) {
            out.asSlice(outOff * Float.BYTES, (long) n * Float.BYTES).fill((byte) 0);
            return;
        }
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, value);
        }
    }

    @Override
    public void fillF64(double value, MemorySegment out, long outOff, int n) {
        if (Double.doubleToRawLongBits(value) == 0) {
            out.asSlice(outOff * Double.BYTES, (long) n * Double.BYTES).fill((byte) 0);
            return;
        }
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, value);
        }
    }

    @Override
    public void copyF32(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        MemorySegment.copy(src, srcOff * Float.BYTES, dst, dstOff * Float.BYTES, (long) n * Float.BYTES);
    }

    @Override
    public void copyF64(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        MemorySegment.copy(src, srcOff * Double.BYTES, dst, dstOff * Double.BYTES, (long) n * Double.BYTES);
    }
}
