package dev.inertia.train;

import dev.inertia.kernels.Kernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * Whether tensors hold only finite values: the divergence guard's and the loss scaler's test.
 * The fast path is one SIMD sum per block ({@code sum * 0} is NaN exactly when the sum is
 * infinite or NaN, which every NaN or infinite element makes it); only a flagged block is scanned
 * element by element, so a finite block whose sum merely overflows still counts as finite.
 */
public final class Finite {
    /** Elements per kernel call (the reductions take an int length). */
    private static final int BLOCK = 1 << 24;

    private Finite() {}

    /** Whether every element of {@code t} (F32 or F64) is finite. */
    public static boolean all(Tensor t) {
        MemorySegment s = t.segment();
        for (long off = 0; off < t.size(); off += BLOCK) {
            int n = (int) Math.min(BLOCK, t.size() - off);
            boolean fast = switch (t.dtype()) {
                case F32 -> Float.isFinite(Kernels.reductions().sumF32(s, off, n) * 0f);
                case F64 -> Double.isFinite(Kernels.reductions().sumF64(s, off, n) * 0.0);
                default -> throw new IllegalArgumentException("expected an F32 or F64 tensor, got " + t.describe());
            };
            if (!fast && !scan(s, t.dtype(), off, n)) {
                return false;
            }
        }
        return true;
    }

    /** The name of the first tensor of {@code tensors} with a NaN or infinite element, or null. */
    public static String firstNonFinite(Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (!all(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    private static boolean scan(MemorySegment s, DType dtype, long off, int n) {
        for (long i = off; i < off + n; i++) {
            boolean finite = dtype == DType.F32 ? Float.isFinite(s.getAtIndex(ValueLayout.JAVA_FLOAT, i))
                    : Double.isFinite(s.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
            if (!finite) {
                return false;
            }
        }
        return true;
    }
}
