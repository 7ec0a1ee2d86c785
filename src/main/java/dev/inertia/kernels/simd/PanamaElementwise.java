package dev.inertia.kernels.simd;

import dev.inertia.kernels.ElementwiseKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Vector API elementwise kernels; the tail is a masked vector operation, not a scalar loop. */
public final class PanamaElementwise implements ElementwiseKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int ADD = 0;
    private static final int SUB = 1;
    private static final int MUL = 2;

    public PanamaElementwise() {}

    @Override
    public void addF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        binaryF32(ADD, a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void addF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        binaryF64(ADD, a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void subF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        binaryF32(SUB, a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void subF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        binaryF64(SUB, a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void mulF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        binaryF32(MUL, a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void mulF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        binaryF64(MUL, a, aOff, b, bOff, out, outOff, n);
    }

    // The operation is a constant at each call site above, so C2 folds the switch after inlining.
    private static FloatVector apply(int op, FloatVector x, FloatVector y) {
        return switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            default -> x.mul(y);
        };
    }

    private static DoubleVector apply(int op, DoubleVector x, DoubleVector y) {
        return switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            default -> x.mul(y);
        };
    }

    private static void binaryF32(int op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out,
            long outOff, int n) {
        long ab = aOff * 4, bb = bOff * 4, ob = outOff * 4;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, a, ab + i * 4L, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(F, b, bb + i * 4L, NATIVE);
            apply(op, x, y).intoMemorySegment(out, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromMemorySegment(F, a, ab + i * 4L, NATIVE, m);
            FloatVector y = FloatVector.fromMemorySegment(F, b, bb + i * 4L, NATIVE, m);
            apply(op, x, y).intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    private static void binaryF64(int op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out,
            long outOff, int n) {
        long ab = aOff * 8, bb = bOff * 8, ob = outOff * 8;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector x = DoubleVector.fromMemorySegment(D, a, ab + i * 8L, NATIVE);
            DoubleVector y = DoubleVector.fromMemorySegment(D, b, bb + i * 8L, NATIVE);
            apply(op, x, y).intoMemorySegment(out, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector x = DoubleVector.fromMemorySegment(D, a, ab + i * 8L, NATIVE, m);
            DoubleVector y = DoubleVector.fromMemorySegment(D, b, bb + i * 8L, NATIVE, m);
            apply(op, x, y).intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }

    @Override
    public void scaleF32(float alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 4, ob = outOff * 4;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE).mul(alpha).intoMemorySegment(out, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m).mul(alpha)
                    .intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void scaleF64(double alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 8, ob = outOff * 8;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE).mul(alpha).intoMemorySegment(out, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m).mul(alpha)
                    .intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }

    @Override
    public void axpyF32(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        long xb = xOff * 4, yb = yOff * 4;
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector vx = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE);
            FloatVector vy = FloatVector.fromMemorySegment(F, y, yb + i * 4L, NATIVE);
            va.fma(vx, vy).intoMemorySegment(y, yb + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector vx = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            FloatVector vy = FloatVector.fromMemorySegment(F, y, yb + i * 4L, NATIVE, m);
            va.fma(vx, vy).intoMemorySegment(y, yb + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void axpyF64(double alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        long xb = xOff * 8, yb = yOff * 8;
        DoubleVector va = DoubleVector.broadcast(D, alpha);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector vx = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE);
            DoubleVector vy = DoubleVector.fromMemorySegment(D, y, yb + i * 8L, NATIVE);
            va.fma(vx, vy).intoMemorySegment(y, yb + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector vx = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m);
            DoubleVector vy = DoubleVector.fromMemorySegment(D, y, yb + i * 8L, NATIVE, m);
            va.fma(vx, vy).intoMemorySegment(y, yb + i * 8L, NATIVE, m);
        }
    }

    @Override
    public void fillF32(float value, MemorySegment out, long outOff, int n) {
        long ob = outOff * 4;
        FloatVector v = FloatVector.broadcast(F, value);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            v.intoMemorySegment(out, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            v.intoMemorySegment(out, ob + i * 4L, NATIVE, F.indexInRange(i, n));
        }
    }

    @Override
    public void fillF64(double value, MemorySegment out, long outOff, int n) {
        long ob = outOff * 8;
        DoubleVector v = DoubleVector.broadcast(D, value);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            v.intoMemorySegment(out, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            v.intoMemorySegment(out, ob + i * 8L, NATIVE, D.indexInRange(i, n));
        }
    }

    @Override
    public void copyF32(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        // The JDK's copy is already vectorized and handles overlap.
        MemorySegment.copy(src, srcOff * 4, dst, dstOff * 4, n * 4L);
    }

    @Override
    public void copyF64(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        MemorySegment.copy(src, srcOff * 8, dst, dstOff * 8, n * 8L);
    }
}
